import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalRegistry } from '@slipway/cloud';
import { buildJobId, readBuildLog } from '@slipway/queue';
import { buildKey, releasesPrefix } from '@slipway/state';
import { buildIdFor, startBuildWorker } from '../src/index.js';
import { type Harness, openHarness, SITE_FILES, tarballOf } from './support/build-harness.js';
import { type GitHubSide, openGitHub } from './support/github.js';

let h: Harness;
let gh: GitHubSide;

beforeAll(async () => {
  h = await openHarness('rdown');
  gh = await openGitHub();
});

afterAll(async () => {
  await gh.close();
  await h.close();
});

/** A port nothing listens on: the "registry" there refuses every connection. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('a registry that stays down', () => {
  it('is retried with backoff (push retries, then job attempts), then fails saying the registry is unreachable', async () => {
    const source = await h.source(SITE_FILES);
    const { fullName, installationId } = gh.addRepo(source, 'down');
    const tenant = h.tenant('down');
    const port = await closedPort();
    const jobId = buildJobId({ tenant, service: 'web', environment: 'production', sha: source.sha });
    const { deploys: _deploys, ...deps } = h.deps(tarballOf(source), {
      registry: new LocalRegistry({ address: `127.0.0.1:${port}` }),
      feedback: gh.feedback,
      registryRetry: { retries: 1, minTimeoutMs: 10, maxTimeoutMs: 20 },
    });
    const builds = startBuildWorker({ ...deps, queues: h.queues, concurrency: 1 });
    try {
      const failed = new Promise<{ attemptsMade: number; failedReason: string }>((resolve) => {
        builds.worker.on('failed', (job) => {
          if (job?.id === jobId && job.finishedOn)
            resolve({ attemptsMade: job.attemptsMade, failedReason: job.failedReason });
        });
      });
      await h.queues.builds.add('build', h.job({ tenant, sha: source.sha, fullName, installationId }), {
        jobId,
        attempts: 2,
        backoff: { type: 'fixed', delay: 200 },
      });
      const result = await failed;
      expect(result.attemptsMade).toBe(2);
      expect(result.failedReason).toMatch(
        new RegExp(
          `^The registry 127\\.0\\.0\\.1:${port} is unreachable \\(.*connection refused.*\\)\\. The push was retried with backoff`,
        ),
      );
    } finally {
      await builds.close();
    }

    const writes = gh.checkRunWrites(fullName) as Array<{
      status?: string;
      conclusion?: string;
      output: { title: string };
    }>;
    expect(writes.map((body) => `${body.conclusion ?? body.status}: ${body.output.title}`)).toEqual([
      'in_progress: Building',
      'in_progress: Retrying',
      'in_progress: Building',
      'failure: Registry unreachable',
    ]);
    const [run] = gh.checkRuns(fullName) as Array<{ output: { summary: string; text: string } }>;
    expect(run?.output.summary).toContain(`The registry 127.0.0.1:${port} is unreachable`);
    expect(run?.output.summary).toContain(
      'Check that the registry is running and reachable from the Docker engine',
    );
    expect(run?.output.text).toMatch(/attempt 1, 1 retries left/);

    const buildId = buildIdFor({ tenant, service: 'web', environment: 'production', sha: source.sha });
    const build = await h.repos.builds.require(buildKey({ tenant, id: buildId }));
    expect(build.value.status).toBe('failed');
    expect(build.value.error).toContain('is unreachable');
    const log = await readBuildLog(h.redis, { tenant, buildId, prefix: h.prefix });
    const lines = log.lines.map((entry) => entry.line);
    expect(lines.filter((line) => line.startsWith('This attempt failed and will be retried'))).toHaveLength(
      1,
    );
    expect(lines.filter((line) => /^Step 1\//.test(line))).toHaveLength(2);
    expect(log.end?.status).toBe('failed');
    expect((await h.repos.releases.scan(releasesPrefix(tenant))).documents).toEqual([]);
  }, 60_000);
});
