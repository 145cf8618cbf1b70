import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildJobId, markLatestBuild, readBuildLog } from '@slipway/queue';
import { buildKey, buildLogArchiveKey, releasesPrefix } from '@slipway/state';
import { type BuildJobOutcome, buildIdFor, startBuildWorker } from '../src/index.js';
import { type Harness, openHarness, SITE_FILES, type Source, tarballOf } from './support/build-harness.js';
import { type GitHubSide, openGitHub } from './support/github.js';

let h: Harness;
let gh: GitHubSide;
const NEWER = 'f'.repeat(40);

beforeAll(async () => {
  h = await openHarness('sup');
  gh = await openGitHub();
});

afterAll(async () => {
  await gh.close();
  await h.close();
});

/** Runs one job on a worker and resolves with its outcome once it completes (rejects if it fails). */
async function runOnWorker(
  source: Source,
  tenant: string,
  fullName: string,
  installationId: number,
  whileRunning?: () => Promise<void>,
) {
  const jobId = buildJobId({ tenant, service: 'web', environment: 'production', sha: source.sha });
  const { deploys: _deploys, ...deps } = h.deps(tarballOf(source), {
    feedback: gh.feedback,
    supersedeCheckMs: 200,
  });
  const builds = startBuildWorker({ ...deps, queues: h.queues, concurrency: 1 });
  try {
    const done = new Promise<BuildJobOutcome>((resolve, reject) => {
      builds.worker.on('completed', (job, outcome) => job.id === jobId && resolve(outcome));
      builds.worker.on('failed', (job, error) => job?.id === jobId && reject(error));
    });
    await h.queues.builds.add('build', h.job({ tenant, sha: source.sha, fullName, installationId }), {
      jobId,
    });
    await whileRunning?.();
    return { outcome: await done, jobId };
  } finally {
    await builds.close();
  }
}

async function waitForLogLine(tenant: string, buildId: string, pattern: RegExp): Promise<void> {
  for (let tries = 0; tries < 300; tries++) {
    const { lines } = await readBuildLog(h.redis, { tenant, buildId, prefix: h.prefix });
    if (lines.some((entry) => pattern.test(entry.line))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the build log never showed ${pattern}`);
}

describe('a newer push supersedes older builds (worker, fake GitHub)', () => {
  it('a queued build of a superseded commit is cancelled before it builds: job completed, no Release', async () => {
    const source = await h.source(SITE_FILES);
    const { fullName, installationId } = gh.addRepo(source, 'queued');
    const tenant = h.tenant('queued');
    const line = { tenant, service: 'web', ref: 'refs/heads/main', prefix: h.prefix };
    await markLatestBuild(h.redis, line, source.sha, 1000);
    await markLatestBuild(h.redis, line, NEWER, 2000);

    const { outcome, jobId } = await runOnWorker(source, tenant, fullName, installationId);

    expect(outcome).toEqual({ status: 'cancelled', supersededBy: NEWER });
    const job = await h.queues.builds.getJob(jobId);
    expect(await job?.getState()).toBe('completed');
    expect(job?.attemptsMade).toBe(1); // ran once, never retried
    expect(job?.failedReason).toBeUndefined();
    const buildId = buildIdFor({ tenant, service: 'web', environment: 'production', sha: source.sha });
    const build = await h.repos.builds.require(buildKey({ tenant, id: buildId }));
    expect(build.value).toMatchObject({ status: 'cancelled', startedAt: null, error: null, releaseId: null });
    const log = await readBuildLog(h.redis, { tenant, buildId, prefix: h.prefix });
    expect(log.end?.status).toBe('cancelled');
    expect(log.lines.map((entry) => entry.line)).toEqual([
      'Cancelled: superseded by fffffff, a newer push to refs/heads/main.',
    ]);
    expect((await h.repos.buildLogs.require(buildLogArchiveKey({ tenant, id: buildId }))).value.status).toBe(
      'cancelled',
    );
    const writes = gh.checkRunWrites(fullName);
    expect(writes.map((body) => body.conclusion ?? body.status)).toEqual(['cancelled']);
    expect(gh.checkRuns(fullName)[0]).toMatchObject({
      conclusion: 'cancelled',
      output: { title: 'Superseded by fffffff', summary: expect.stringContaining('superseded by fffffff') },
    });
    expect((await h.repos.releases.scan(releasesPrefix(tenant))).documents).toEqual([]);
    expect(await h.registry.imageExists({ repository: `${tenant}/web`, tag: source.sha })).toBeUndefined();
  });

  it('a running build is stopped within a second or so of a newer push: cancelled, no Release, no image', async () => {
    const source = await h.source({ Dockerfile: 'FROM slipway/busybox:local\nRUN sleep 30\n' });
    const { fullName, installationId } = gh.addRepo(source, 'running');
    const tenant = h.tenant('running');
    const line = { tenant, service: 'web', ref: 'refs/heads/main', prefix: h.prefix };
    await markLatestBuild(h.redis, line, source.sha, 1000);
    const buildId = buildIdFor({ tenant, service: 'web', environment: 'production', sha: source.sha });
    let pushedAt = 0;

    const { outcome } = await runOnWorker(source, tenant, fullName, installationId, async () => {
      await waitForLogLine(tenant, buildId, /^Step 2\/\d+ : RUN sleep 30$/);
      await markLatestBuild(h.redis, line, NEWER, 2000);
      pushedAt = Date.now();
    });

    expect(outcome).toEqual({ status: 'cancelled', supersededBy: NEWER });
    expect(Date.now() - pushedAt).toBeLessThan(10_000);
    const build = await h.repos.builds.require(buildKey({ tenant, id: buildId }));
    expect(build.value.status).toBe('cancelled');
    expect(build.value.startedAt).not.toBeNull();
    const writes = gh.checkRunWrites(fullName);
    expect(writes.map((body) => body.conclusion ?? body.status)).toEqual(['in_progress', 'cancelled']);
    expect((await h.repos.releases.scan(releasesPrefix(tenant))).documents).toEqual([]);
    expect(await h.registry.imageExists({ repository: `${tenant}/web`, tag: source.sha })).toBeUndefined();
  }, 60_000);
});
