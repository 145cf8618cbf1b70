import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildJobId, readBuildLog } from '@slipway/queue';
import { buildKey, buildLogArchiveKey, releasesPrefix } from '@slipway/state';
import {
  BuildFailedError,
  buildIdFor,
  runBuildJob,
  type SourceFor,
  startBuildWorker,
  TenantSlots,
} from '../src/index.js';
import {
  type Harness,
  openHarness,
  REGISTRY,
  SITE_FILES,
  type Source,
  tarballOf,
} from './support/build-harness.js';

let h: Harness;
let site: Source;

beforeAll(async () => {
  h = await openHarness('bw');
  site = await h.source(SITE_FILES);
});

afterAll(() => h.close());

describe('runBuildJob (real engine, registry, Redis, state folder)', () => {
  it('builds, pushes, records the Release, the Build and the archived log, and enqueues one deploy', async () => {
    const tenant = h.tenant('one');
    const job = h.job({ tenant, sha: site.sha });
    const result = await runBuildJob(job, h.deps(tarballOf(site)));

    const pushed = await h.registry.imageExists({ repository: `${tenant}/web`, tag: site.sha });
    expect(pushed?.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(result).toMatchObject({
      built: true,
      buildId: buildIdFor({ tenant, service: 'web', environment: 'production', sha: site.sha }),
    });
    expect(result.steps).toBeGreaterThanOrEqual(2);
    expect(result.release).toMatchObject({
      tenant,
      service: 'web',
      environment: 'production',
      image: `${REGISTRY}/${tenant}/web:${site.sha}`,
      digest: pushed?.digest,
      commit: site.sha,
      config: job.config,
      buildId: result.buildId,
      // Where it came from, for the GitHub App's deploy check run.
      origin: { installationId: job.installationId, repository: job.repository, ref: 'refs/heads/main' },
    });
    const stored = await h.repos.releases.scan(releasesPrefix(tenant));
    expect(stored.documents.map((doc) => doc.value.digest)).toEqual([pushed?.digest]);

    const build = await h.repos.builds.require(buildKey({ tenant, id: result.buildId }));
    expect(build.value).toMatchObject({
      status: 'succeeded',
      builder: 'native',
      attempt: 1,
      ref: 'refs/heads/main',
      releaseId: result.release.id,
      error: null,
    });
    expect(Date.parse(build.value.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(build.value.startedAt!));

    const log = await readBuildLog(h.redis, { tenant, buildId: result.buildId, prefix: h.prefix });
    const lines = log.lines.map((entry) => entry.line);
    expect(lines).toContainEqual(expect.stringMatching(/^Step 1\/\d+ : FROM slipway\/busybox:local$/));
    expect(lines.at(-1)).toContain(`@${pushed?.digest}`);
    expect(log.end?.status).toBe('succeeded');
    const archive = await h.repos.buildLogs.require(buildLogArchiveKey({ tenant, id: result.buildId }));
    expect(archive.value).toMatchObject({ status: 'succeeded', lines, truncated: false });

    const deploy = await h.queues.deploys.getJob(result.release.id);
    expect(deploy?.data).toEqual({
      tenant,
      environment: 'production',
      service: 'web',
      releaseId: result.release.id,
      commit: site.sha,
      ref: 'refs/heads/main',
      installationId: 1,
      repository: { id: 7, fullName: 'acme/web' },
      deliveryId: 'd-1',
    });
  });

  it('running the same job twice records one Release and enqueues one deploy', async () => {
    const tenant = h.tenant('twice');
    const job = h.job({ tenant, sha: site.sha });
    const [first, second] = await Promise.all([
      runBuildJob(job, h.deps(tarballOf(site))),
      runBuildJob(job, h.deps(tarballOf(site))),
    ]);
    const third = await runBuildJob(job, h.deps(tarballOf(site)));
    expect(second.release).toEqual(first.release);
    expect(third.release).toEqual(first.release);
    expect(third.built).toBe(false);
    expect((await h.repos.releases.scan(releasesPrefix(tenant))).documents).toHaveLength(1);
    const deploys = await h.queues.deploys.getJobs(['waiting', 'delayed', 'active', 'completed']);
    expect(deploys.filter((deploy) => deploy.data.tenant === tenant)).toHaveLength(1);
  });

  it('a re-run (attempt 2) gets its own build id, log and Build record, and finds the same Release', async () => {
    const tenant = h.tenant('rerun');
    const first = await runBuildJob(h.job({ tenant, sha: site.sha }), h.deps(tarballOf(site)));
    const rerun = await runBuildJob(h.job({ tenant, sha: site.sha, attempt: 2 }), h.deps(tarballOf(site)));
    expect(rerun.buildId).not.toBe(first.buildId);
    expect(rerun.buildId).toBe(
      buildIdFor({ tenant, service: 'web', environment: 'production', sha: site.sha, attempt: 2 }),
    );
    expect(buildIdFor({ tenant, service: 'web', environment: 'production', sha: site.sha, attempt: 1 })).toBe(
      first.buildId,
    );
    expect(rerun.release).toEqual(first.release);
    expect(rerun.built).toBe(false);
    const build = await h.repos.builds.require(buildKey({ tenant, id: rerun.buildId }));
    expect(build.value).toMatchObject({ attempt: 2, status: 'succeeded', releaseId: first.release.id });
    const log = await readBuildLog(h.redis, { tenant, buildId: rerun.buildId, prefix: h.prefix });
    expect(log.lines.some((entry) => entry.line.startsWith('Step '))).toBe(false);
    expect(log.lines[0]?.line).toContain('already recorded');
  });

  it("a failing Dockerfile fails with Docker's message in the log, Build failed, and no Release", async () => {
    const tenant = h.tenant('broken');
    const broken = await h.source({ Dockerfile: 'FROM slipway/busybox:local\nRUN exit 3\n' });
    const attempt = runBuildJob(h.job({ tenant, sha: broken.sha }), h.deps(tarballOf(broken)));
    await expect(attempt).rejects.toThrow(BuildFailedError);
    const buildId = buildIdFor({ tenant, service: 'web', environment: 'production', sha: broken.sha });
    const log = await readBuildLog(h.redis, { tenant, buildId, prefix: h.prefix });
    expect(log.end?.status).toBe('failed');
    expect(log.lines.at(-1)?.line).toMatch(/Step 2\/\d+ : RUN exit 3.*returned a non-zero code: 3/);
    const build = await h.repos.builds.require(buildKey({ tenant, id: buildId }));
    expect(build.value.status).toBe('failed');
    expect(build.value.error).toMatch(
      /^Docker build failed at "Step 2\/\d+ : RUN exit 3": .*non-zero code: 3/,
    );
    expect((await h.repos.releases.scan(releasesPrefix(tenant))).documents).toEqual([]);
    const archive = await h.repos.buildLogs.require(buildLogArchiveKey({ tenant, id: buildId }));
    expect(archive.value.status).toBe('failed');
  });
});

describe('startBuildWorker (BullMQ, per-tenant limit)', () => {
  it("one tenant's backlog does not hold back another tenant's single build", async () => {
    const a = h.tenant('a');
    const b = h.tenant('b');
    const starts = new Map<string, number>();
    const sourceFor: SourceFor = async (job) => {
      starts.set(`${job.tenant}/${job.service}`, Date.now());
      // Hold the slot a while, as a real download and build would.
      await new Promise((resolve) => setTimeout(resolve, 400));
      return site.tarGz;
    };
    const jobs = [
      ...Array.from({ length: 6 }, (_, i) => h.job({ tenant: a, sha: site.sha, service: `s${i + 1}` })),
      h.job({ tenant: b, sha: site.sha, service: 's1' }),
    ];
    for (const job of jobs)
      await h.queues.builds.add('build', job, {
        jobId: buildJobId({
          tenant: job.tenant,
          service: job.service,
          environment: job.environment,
          sha: job.commit,
        }),
      });
    const { deploys: _deploys, ...deps } = h.deps(sourceFor);
    const builds = startBuildWorker({
      ...deps,
      queues: h.queues,
      concurrency: 2,
      tenantLimit: 1,
      overLimitDelayMs: 100,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let done = 0;
        builds.worker.on('completed', () => {
          done += 1;
          if (done === jobs.length) resolve();
        });
        builds.worker.on('failed', (job, error) => reject(new Error(`${job?.id} failed: ${error.message}`)));
      });
    } finally {
      await builds.close();
      await builds.close();
    }
    const aStarts = [...starts].filter(([key]) => key.startsWith(`${a}/`)).map(([, at]) => at);
    aStarts.sort((x, y) => x - y);
    expect(aStarts).toHaveLength(6);
    expect(starts.get(`${b}/s1`)).toBeLessThan(aStarts[2]!);
    // Per-tenant limit 1: A's builds never overlapped (each holds its slot ≥ 400 ms).
    for (let i = 1; i < aStarts.length; i += 1)
      expect(aStarts[i]! - aStarts[i - 1]!).toBeGreaterThanOrEqual(400);
    expect((await h.repos.releases.scan(releasesPrefix(a))).documents).toHaveLength(6);
    expect((await h.repos.releases.scan(releasesPrefix(b))).documents).toHaveLength(1);
  }, 120_000);

  it("fails a job with a broken Dockerfile at once (no retries), with Docker's message", async () => {
    const tenant = h.tenant('final');
    const broken = await h.source({ Dockerfile: 'FROM slipway/busybox:local\nRUN exit 4\n' });
    const jobId = buildJobId({ tenant, service: 'web', environment: 'production', sha: broken.sha });
    await h.queues.builds.add('build', h.job({ tenant, sha: broken.sha }), { jobId });
    const { deploys: _deploys, ...deps } = h.deps(tarballOf(broken));
    const builds = startBuildWorker({ ...deps, queues: h.queues, concurrency: 1 });
    try {
      const failed = await new Promise<{ attemptsMade: number; failedReason: string }>((resolve) => {
        builds.worker.on('failed', (failedJob) => {
          if (failedJob?.id === jobId)
            resolve({ attemptsMade: failedJob.attemptsMade, failedReason: failedJob.failedReason });
        });
      });
      expect(failed.failedReason).toMatch(/RUN exit 4.*returned a non-zero code: 4/);
      expect(failed.attemptsMade).toBe(1);
    } finally {
      await builds.close();
    }
    expect(await h.queues.builds.getJobState(jobId)).toBe('failed');
    expect((await h.repos.releases.scan(releasesPrefix(tenant))).documents).toEqual([]);
  });
});

describe('TenantSlots (real Redis)', () => {
  it('grants at most `limit` slots, lets a holder re-acquire, and frees a dead holder after its lease', async () => {
    let now = 1_000_000;
    const slots = new TenantSlots({ redis: h.redis, prefix: h.prefix, leaseMs: 1000, now: () => now });
    const tenant = h.tenant('slots');
    expect(await slots.acquire(tenant, 'j1', 2)).toBe(true);
    expect(await slots.acquire(tenant, 'j2', 2)).toBe(true);
    expect(await slots.acquire(tenant, 'j3', 2)).toBe(false);
    expect(await slots.acquire(tenant, 'j1', 2)).toBe(true); // a retried job takes its own slot back
    await slots.release(tenant, 'j2');
    expect(await slots.acquire(tenant, 'j3', 2)).toBe(true);
    now += 900;
    expect(await slots.renew(tenant, 'j3')).toBe(true);
    now += 200; // j1 died without releasing: its lease ran out; j3 renewed and holds on
    expect(await slots.acquire(tenant, 'j4', 2)).toBe(true);
    expect(await slots.acquire(tenant, 'j5', 2)).toBe(false);
    expect(await slots.renew(tenant, 'j1')).toBe(false);
  });
});
