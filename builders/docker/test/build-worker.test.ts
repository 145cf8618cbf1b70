import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalRegistry } from '@slipway/cloud';
import type { Release } from '@slipway/core';
import { cleanupRedis, testLabel, uniquePrefix } from '@slipway/devenv/testing';
import { createGitRepo, type GitFile, type GitRepo } from '@slipway/fakes';
import { type BuildJob, buildJobId, createQueues, type Queues, readBuildLog } from '@slipway/queue';
import { createRepositories, FsStateStore, type Repository, releasesPrefix } from '@slipway/state';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import {
  BuildFailedError,
  buildIdFor,
  runBuildJob,
  type SourceFor,
  startBuildWorker,
  TenantSlots,
} from '../src/index.js';
import { cleanupTestImages } from './cleanup-test-images.js';

const REGISTRY = '127.0.0.1:5000';
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const registry = new LocalRegistry({ address: REGISTRY });
const prefix = uniquePrefix('bw');
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const repos: GitRepo[] = [];
let stateDir: string;
let releases: Repository<Release>;
let queues: Queues;

interface Source {
  tarGz: Buffer;
  sha: string;
}

async function sourceOf(files: Record<string, GitFile>): Promise<Source> {
  const repo = await createGitRepo({ files });
  repos.push(repo);
  return { tarGz: await repo.archive(repo.sha, `acme-web-${repo.sha.slice(0, 7)}`), sha: repo.sha };
}

function jobFor(source: Source, tenant: string, service = 'web'): BuildJob {
  return {
    tenant,
    service,
    environment: 'production',
    commit: source.sha,
    ref: 'refs/heads/main',
    installationId: 1,
    repository: { id: 7, fullName: 'acme/web' },
    deliveryId: 'd-1',
    build: { dockerfile: 'Dockerfile', context: '.', args: {} },
    config: {
      port: 8080,
      resources: { cpuMillicores: 250, memoryMiB: 64 },
      health: { path: '/', intervalMs: 5000, timeoutMs: 1000 },
      env: { GREETING: 'hi' },
      secrets: [],
    },
  };
}

const fromSource =
  (source: Source): SourceFor =>
  async () =>
    source.tarGz;

const deps = (source: Source) => ({
  docker,
  registry,
  releases,
  redis,
  prefix,
  sourceFor: fromSource(source),
  extraLabels: { [testLabel]: prefix },
});

let site: Source;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'slipway-bw-'));
  releases = createRepositories(new FsStateStore({ root: stateDir, durable: false })).releases;
  queues = createQueues({ connection: redis, prefix });
  site = await sourceOf({
    Dockerfile: 'FROM slipway/busybox:local\nCOPY index.html /www/index.html\n',
    'index.html': '<h1>hello</h1>\n',
  });
});

afterAll(async () => {
  try {
    await queues.close();
    await Promise.all(repos.map((repo) => repo.remove()));
    await cleanupTestImages(docker, prefix);
    await cleanupRedis(redis, prefix);
  } finally {
    redis.disconnect();
    await rm(stateDir, { recursive: true, force: true });
  }
});

describe('runBuildJob (real engine, registry, Redis)', () => {
  it('builds, pushes, records a Release with the pushed digest and streams the log', async () => {
    const tenant = `${prefix}-one`;
    const job = jobFor(site, tenant);
    const result = await runBuildJob(job, deps(site));

    const pushed = await registry.imageExists({ repository: `${tenant}/web`, tag: site.sha });
    expect(pushed?.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(result.built).toBe(true);
    expect(result.release).toMatchObject({
      tenant,
      service: 'web',
      environment: 'production',
      image: `${REGISTRY}/${tenant}/web:${site.sha}`,
      digest: pushed?.digest,
      commit: site.sha,
      config: job.config,
    });
    const stored = await releases.scan(releasesPrefix(tenant));
    expect(stored.documents.map((doc) => doc.value.digest)).toEqual([pushed?.digest]);

    const log = await readBuildLog(redis, {
      tenant,
      buildId: buildIdFor({ tenant, service: 'web', sha: site.sha }),
      prefix,
    });
    const lines = log.lines.map((entry) => entry.line);
    expect(lines).toContainEqual(expect.stringMatching(/^Step 1\/\d+ : FROM slipway\/busybox:local$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Step 2\/\d+ : COPY index.html \/www\/index.html$/));
    expect(lines.at(-1)).toContain(`@${pushed?.digest}`);
    expect(log.end?.status).toBe('succeeded');
  });

  it('running the same job twice records exactly one Release', async () => {
    const tenant = `${prefix}-twice`;
    const job = jobFor(site, tenant);
    const [first, second] = await Promise.all([runBuildJob(job, deps(site)), runBuildJob(job, deps(site))]);
    const third = await runBuildJob(job, deps(site));
    expect(second.release).toEqual(first.release);
    expect(third.release).toEqual(first.release);
    expect(third.built).toBe(false);
    const stored = await releases.scan(releasesPrefix(tenant));
    expect(stored.documents).toHaveLength(1);
  });

  it("a failing Dockerfile fails with Docker's message in the log and records no Release", async () => {
    const tenant = `${prefix}-broken`;
    const broken = await sourceOf({ Dockerfile: 'FROM slipway/busybox:local\nRUN exit 3\n' });
    const attempt = runBuildJob(jobFor(broken, tenant), deps(broken));
    await expect(attempt).rejects.toThrow(BuildFailedError);
    const log = await readBuildLog(redis, {
      tenant,
      buildId: buildIdFor({ tenant, service: 'web', sha: broken.sha }),
      prefix,
    });
    expect(log.end?.status).toBe('failed');
    expect(log.lines.at(-1)?.line).toMatch(/Step 2\/\d+ : RUN exit 3.*returned a non-zero code: 3/);
    expect((await releases.scan(releasesPrefix(tenant))).documents).toEqual([]);
  });
});

describe('startBuildWorker (BullMQ, per-tenant limit)', () => {
  it("one tenant's backlog does not hold back another tenant's single build", async () => {
    const a = `${prefix}-a`;
    const b = `${prefix}-b`;
    const starts = new Map<string, number>();
    const sourceFor: SourceFor = async (job) => {
      starts.set(`${job.tenant}/${job.service}`, Date.now());
      // Hold the slot a while, as a real download and build would.
      await new Promise((resolve) => setTimeout(resolve, 400));
      return site.tarGz;
    };
    const jobs = [
      ...Array.from({ length: 6 }, (_, i) => jobFor(site, a, `s${i + 1}`)),
      jobFor(site, b, 's1'),
    ];
    for (const job of jobs)
      await queues.builds.add('build', job, {
        jobId: buildJobId({ tenant: job.tenant, service: job.service, sha: job.commit }),
      });
    const builds = startBuildWorker({
      ...deps(site),
      queues,
      sourceFor,
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
    expect((await releases.scan(releasesPrefix(a))).documents).toHaveLength(6);
    expect((await releases.scan(releasesPrefix(b))).documents).toHaveLength(1);
  }, 120_000);

  it("fails a job with a broken Dockerfile at once (no retries), with Docker's message", async () => {
    const tenant = `${prefix}-final`;
    const broken = await sourceOf({ Dockerfile: 'FROM slipway/busybox:local\nRUN exit 4\n' });
    const job = jobFor(broken, tenant);
    const jobId = buildJobId({ tenant, service: 'web', sha: broken.sha });
    await queues.builds.add('build', job, { jobId });
    const builds = startBuildWorker({ ...deps(broken), queues, concurrency: 1 });
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
    expect(await queues.builds.getJobState(jobId)).toBe('failed');
    expect((await releases.scan(releasesPrefix(tenant))).documents).toEqual([]);
  });
});

describe('TenantSlots (real Redis)', () => {
  it('grants at most `limit` slots, lets a holder re-acquire, and frees a dead holder after its lease', async () => {
    let now = 1_000_000;
    const slots = new TenantSlots({ redis, prefix, leaseMs: 1000, now: () => now });
    const tenant = `${prefix}-slots`;
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
