import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readBuildLog } from '@slipway/queue';
import { runBuildJob } from '../src/index.js';
import { type Harness, openHarness, REGISTRY, type Source, tarballOf } from './support/build-harness.js';
import { type GitHubSide, openGitHub } from './support/github.js';
import { memoryLogger } from './support/memory-logger.js';

let h: Harness;
let gh: GitHubSide;
const tenants: string[] = [];

beforeAll(async () => {
  h = await openHarness('cache');
  gh = await openGitHub();
});

afterAll(async () => {
  try {
    for (const tenant of tenants) await h.registry.deleteRepository({ tenant, service: 'web' });
  } finally {
    await gh.close();
    await h.close();
  }
});

/** A slow-ish cacheable step unique to this run (so no other image can serve it), then a COPY that changes per commit. */
function siteAt(page: string): Record<string, string> {
  return {
    Dockerfile: `FROM slipway/busybox:local\nRUN sleep 1 && echo ${h.prefix} > /cached\nCOPY index.html /www/index.html\n`,
    'index.html': `<h1>${page}</h1>\n`,
  };
}

async function logLines(tenant: string, buildId: string): Promise<string[]> {
  const log = await readBuildLog(h.redis, { tenant, buildId, prefix: h.prefix });
  return log.lines.map((entry) => entry.line);
}

/** The line Docker printed right after the RUN step's "Step n/m" line. */
function afterRunStep(lines: string[]): string | undefined {
  return lines[lines.findIndex((line) => / : RUN sleep 1 && echo /.test(line)) + 1];
}

describe('layer cache from the service’s previous image (real engine, registry, state folder)', () => {
  it('a fresh builder host pulls the previous Release’s image and takes the RUN step from it', async () => {
    const tenant = h.tenant('fresh');
    tenants.push(tenant);
    const first: Source = await h.source(siteAt('one'));
    const release1 = await runBuildJob(h.job({ tenant, sha: first.sha }), h.deps(tarballOf(first)));
    const lines1 = await logLines(tenant, release1.buildId);
    expect(lines1).toContain(
      "No cache: web has no earlier Release in production to take layers from; building with this engine's local layer cache only.",
    );
    expect(release1.cacheFrom).toBeUndefined();
    expect(afterRunStep(lines1)).toMatch(/^ ---> Running in /);

    // As on a fresh builder host: release 1's image and its intermediate layers leave the engine; only the registry has them.
    const runLayer = lines1[lines1.findIndex((line) => / : RUN sleep 1 /.test(line)) + 3];
    expect(runLayer).toMatch(/^ ---> [0-9a-f]{12}$/);
    const { Id } = await h.docker.getImage(release1.release.image).inspect();
    await h.docker.getImage(Id).remove({ force: true });
    await expect(h.docker.getImage(Id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(h.docker.getImage(runLayer?.slice(6) ?? '').inspect()).rejects.toMatchObject({
      statusCode: 404,
    });

    const second: Source = await h.source(siteAt('two'));
    const { fullName, installationId } = gh.addRepo(second, 'cached');
    const release2 = await runBuildJob(
      h.job({ tenant, sha: second.sha, fullName, installationId }),
      h.deps(tarballOf(second), { feedback: gh.feedback }),
    );

    const previous = `${REGISTRY}/${tenant}/web@${release1.release.digest}`;
    expect(release2.cacheFrom).toEqual({
      reference: previous,
      releaseId: release1.release.id,
      commit: first.sha,
    });
    expect(release2.cacheHits).toBeGreaterThanOrEqual(1);
    const lines2 = await logLines(tenant, release2.buildId);
    expect(lines2).toContain(
      `Cache from the previous image ${previous} (Release ${release1.release.id}, commit ${first.sha.slice(0, 7)}), pulled from the registry.`,
    );
    expect(afterRunStep(lines2)).toBe(' ---> Using cache');
    expect(release2.release.digest).not.toBe(release1.release.digest);

    const [run] = gh.checkRuns(fullName) as Array<{ conclusion: string; output: { summary: string } }>;
    expect(run?.conclusion).toBe('success');
    expect(run?.output.summary).toContain(
      `| Layer cache | ${release2.cacheHits} of ${release2.steps} steps from the layer cache |`,
    );
    expect(run?.output.summary).toContain(`| Cache from | the previous image \`${previous}\``);

    // On the same host the previous image is already there: no pull, the cache still holds.
    const third: Source = await h.source(siteAt('three'));
    const release3 = await runBuildJob(h.job({ tenant, sha: third.sha }), h.deps(tarballOf(third)));
    expect(release3.cacheFrom?.releaseId).toBe(release2.release.id);
    const lines3 = await logLines(tenant, release3.buildId);
    expect(lines3).toContainEqual(
      expect.stringMatching(/^Cache from the previous image .*, already on this engine\.$/),
    );
    expect(afterRunStep(lines3)).toBe(' ---> Using cache');
  });

  it('a previous image the registry no longer has is one "No cache" line and a warning; the build succeeds', async () => {
    const tenant = h.tenant('gone');
    tenants.push(tenant);
    const first: Source = await h.source(siteAt('one'));
    const release1 = await runBuildJob(h.job({ tenant, sha: first.sha }), h.deps(tarballOf(first)));
    // The registry lost it (a lifecycle policy expired it, say), and so did this engine.
    const { Id } = await h.docker.getImage(release1.release.image).inspect();
    await h.docker.getImage(Id).remove({ force: true });
    await h.registry.deleteRepository({ tenant, service: 'web' });

    const second: Source = await h.source(siteAt('two'));
    const logger = memoryLogger();
    const release2 = await runBuildJob(
      h.job({ tenant, sha: second.sha }),
      h.deps(tarballOf(second), { logger }),
    );

    expect(release2.built).toBe(true);
    expect(release2.cacheFrom).toBeUndefined();
    const lines = await logLines(tenant, release2.buildId);
    const noCache = lines.filter((line) => line.startsWith('No cache: '));
    expect(noCache).toHaveLength(1);
    expect(noCache[0]).toMatch(
      new RegExp(
        `^No cache: the previous image ${REGISTRY}/${tenant}/web@sha256:[a-f0-9]{64} \\(Release ${release1.release.id}, commit [0-9a-f]{7}\\) could not be pulled \\(Pulling .+ failed: .+\\); building with this engine's local layer cache only\\.$`,
      ),
    );
    expect(afterRunStep(lines)).toMatch(/^ ---> Running in /);
    const warnings = logger.entries.filter((entry) => entry.level === 'warn');
    expect(warnings.map((entry) => entry.message)).toEqual([
      expect.stringMatching(/^no layer cache: the previous image .* could not be pulled$/),
    ]);
    expect(warnings[0]?.fields).toMatchObject({ tenant, err: { code: 'PULL_FAILED' } });
  });
});
