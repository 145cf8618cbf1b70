import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildJobId, readBuildLog } from '@slipway/queue';
import { buildKey, releasesPrefix } from '@slipway/state';
import { buildIdFor, policyTenantLimit, type SourceFor, startBuildWorker } from '../src/index.js';
import { type Harness, openHarness, SITE_FILES, type Source } from './support/build-harness.js';
import { type GitHubSide, openGitHub } from './support/github.js';

let h: Harness;
let gh: GitHubSide;
let site: Source;

beforeAll(async () => {
  h = await openHarness('pol');
  gh = await openGitHub();
  site = await h.source(SITE_FILES);
});

afterAll(async () => {
  await gh.close();
  await h.close();
});

describe("the tenant's policy at the builder", () => {
  it('refuses a builder the policy does not allow: failed check run and Build saying so, not retried, nothing built', async () => {
    const { fullName, installationId } = gh.addRepo(site, 'refused');
    const tenant = h.tenant('refused');
    await h.policies.update(
      tenant,
      { permissions: { allowedBuilders: ['circleci'] } },
      { by: 'test', now: Date.now() },
    );
    const jobId = buildJobId({ tenant, service: 'web', environment: 'production', sha: site.sha });
    const { deploys: _deploys, ...deps } = h.deps(async () => site.tarGz, { feedback: gh.feedback });
    const builds = startBuildWorker({
      ...deps,
      queues: h.queues,
      tenantLimit: policyTenantLimit(h.policies),
    });
    try {
      const failed = new Promise<{ attemptsMade: number; failedReason: string }>((resolve) => {
        builds.worker.on('failed', (job) => {
          if (job?.id === jobId) resolve({ attemptsMade: job.attemptsMade, failedReason: job.failedReason });
        });
      });
      await h.queues.builds.add('build', h.job({ tenant, sha: site.sha, fullName, installationId }), {
        jobId,
      });
      const result = await failed;
      expect(result.attemptsMade).toBe(1);
      expect(result.failedReason).toBe(
        "The tenant's policy does not allow this build: builder native is not in permissions.allowedBuilders (circleci). Ask a tenant admin to change the policy, or change the build settings in slipway.yaml.",
      );
    } finally {
      await builds.close();
    }
    expect(await h.queues.builds.getJobState(jobId)).toBe('failed');
    const [run] = gh.checkRuns(fullName) as Array<{
      conclusion: string;
      output: { title: string; summary: string };
    }>;
    expect(run?.conclusion).toBe('failure');
    expect(run?.output.title).toBe("Not allowed by the tenant's policy");
    expect(run?.output.summary).toContain('builder native is not in permissions.allowedBuilders (circleci)');
    const buildId = buildIdFor({ tenant, service: 'web', environment: 'production', sha: site.sha });
    const build = await h.repos.builds.require(buildKey({ tenant, id: buildId }));
    expect(build.value).toMatchObject({ status: 'failed', startedAt: null });
    expect(build.value.error).toContain('permissions.allowedBuilders');
    const log = await readBuildLog(h.redis, { tenant, buildId, prefix: h.prefix });
    expect(log.lines.some((entry) => entry.line.startsWith('Step '))).toBe(false);
    expect((await h.repos.releases.scan(releasesPrefix(tenant))).documents).toEqual([]);
  });

  it('honours limits.concurrentBuilds: 1 for one tenant, while the default policy lets another run 2', async () => {
    const one = h.tenant('one-at-a-time');
    const two = h.tenant('default');
    await h.policies.update(one, { limits: { concurrentBuilds: 1 } }, { by: 'test', now: Date.now() });
    const spans = new Map<string, { start: number; end: number }>();
    const sourceFor: SourceFor = async (job) => {
      const start = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 500));
      spans.set(`${job.tenant}/${job.service}`, { start, end: Date.now() });
      return site.tarGz;
    };
    const jobs = [
      ...['a', 'b', 'c'].map((service) => h.job({ tenant: one, sha: site.sha, service })),
      ...['a', 'b'].map((service) => h.job({ tenant: two, sha: site.sha, service })),
    ];
    const { deploys: _deploys, ...deps } = h.deps(sourceFor);
    const builds = startBuildWorker({
      ...deps,
      queues: h.queues,
      concurrency: 5,
      overLimitDelayMs: 100,
      tenantLimit: policyTenantLimit(h.policies),
    });
    try {
      const done = new Promise<void>((resolve, reject) => {
        let completed = 0;
        builds.worker.on('completed', () => {
          completed += 1;
          if (completed === jobs.length) resolve();
        });
        builds.worker.on('failed', (job, error) => reject(new Error(`${job?.id}: ${error.message}`)));
      });
      for (const job of jobs)
        await h.queues.builds.add('build', job, {
          jobId: buildJobId({
            tenant: job.tenant,
            service: job.service,
            environment: job.environment,
            sha: job.commit,
          }),
        });
      await done;
    } finally {
      await builds.close();
    }
    const of = (tenant: string) =>
      [...spans]
        .filter(([key]) => key.startsWith(`${tenant}/`))
        .map(([, span]) => span)
        .sort((x, y) => x.start - y.start);
    const serial = of(one);
    expect(serial).toHaveLength(3);
    for (let i = 1; i < serial.length; i += 1)
      expect(serial[i]!.start).toBeGreaterThanOrEqual(serial[i - 1]!.end);
    const parallel = of(two);
    expect(parallel).toHaveLength(2);
    expect(parallel[1]!.start).toBeLessThan(parallel[0]!.end);
  }, 120_000);

  it('policyTenantLimit keeps each tenant’s limit for its TTL, then reads the policy again', async () => {
    const tenant = h.tenant('cached');
    let now = 0;
    const limit = policyTenantLimit(h.policies, { ttlMs: 1000, now: () => now });
    expect(await limit(tenant)).toBe(2);
    await h.policies.update(tenant, { limits: { concurrentBuilds: 5 } }, { by: 'test', now: Date.now() });
    expect(await limit(tenant)).toBe(2);
    now = 1001;
    expect(await limit(tenant)).toBe(5);
  });
});
