import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Release, Rollout, Service } from '@slipway/core';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { createDeployFeedbackQueue } from '@slipway/queue';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { enqueueRolloutFeedback } from './enqueue-rollout-feedback.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const template = 'http://{service}.{tenant}.localhost:8080';
const sha = 'e'.repeat(40);
const at = '2026-11-26T14:00:00.000Z';

const release = (service: string, fromGitHub: boolean): Release => ({
  id: `r-${service}-1`,
  tenant: 'acme',
  service,
  environment: 'staging',
  image: `127.0.0.1:5000/acme/${service}:1`,
  digest: null,
  config: {
    port: 8080,
    resources: { cpuMillicores: 100, memoryMiB: 64 },
    health: { path: '/', intervalMs: 1000, timeoutMs: 500 },
    env: {},
    secrets: [],
  },
  commit: fromGitHub ? sha : null,
  buildId: null,
  ...(fromGitHub
    ? {
        origin: {
          installationId: 5,
          repository: { id: 6, fullName: 'acme/mono' },
          ref: 'refs/heads/staging',
        },
      }
    : {}),
  createdAt: at,
});

const service = (name: string, visibility: Service['visibility']): Service => ({
  tenant: 'acme',
  environment: 'staging',
  name,
  source: { kind: 'image', image: `127.0.0.1:5000/acme/${name}:1` },
  port: 8080,
  replicas: 1,
  resources: { cpuMillicores: 100, memoryMiB: 64 },
  health: { path: '/', intervalMs: 1000, timeoutMs: 500 },
  env: {},
  secrets: [],
  domains: [],
  visibility,
  release: `r-${name}-1`,
});

const succeeded = (name: string): Rollout => ({
  id: `ro-00mfx2k3a1-${name}`,
  tenant: 'acme',
  service: name,
  environment: 'staging',
  fromRelease: null,
  toRelease: `r-${name}-1`,
  replicas: 1,
  baseline: {},
  steps: [
    { action: 'start', release: `r-${name}-1`, replicas: 1, phase: 'deploy', status: 'done', startedAt: at },
    {
      action: 'wait-healthy',
      release: `r-${name}-1`,
      replicas: 1,
      phase: 'deploy',
      status: 'done',
      startedAt: at,
    },
  ],
  status: 'succeeded',
  reason: null,
  createdAt: at,
  finishedAt: at,
});

const known = {
  releases: new Map(
    ['web', 'worker', 'nginx'].map((name) => [`r-${name}-1`, release(name, name !== 'nginx')]),
  ),
  services: [service('web', 'public'), service('worker', 'internal'), service('nginx', 'public')],
};

describe('enqueueRolloutFeedback (real Redis)', () => {
  const prefix = uniquePrefix('ctl-feedback');
  let redis: Redis;
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });

  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  afterAll(async () => {
    await cleanupRedis(redis, prefix);
    redis.disconnect();
  });

  it('enqueues rollouts of releases from GitHub, with the URL of public services only', async () => {
    const queue = createDeployFeedbackQueue({ connection: redis, prefix });
    try {
      await enqueueRolloutFeedback(
        { queue, serviceUrlTemplate: template },
        ['web', 'worker', 'nginx'].map(succeeded),
        known,
        logger,
      );
      const jobs = (await queue.getJobs(['waiting'])).map((job) => job.data);
      expect(jobs.map((job) => job.service).sort()).toEqual(['web', 'worker']);
      const web = jobs.find((job) => job.service === 'web');
      expect(web).toMatchObject({ commit: sha, installationId: 5, repository: { fullName: 'acme/mono' } });
      expect(web?.summary).toContain('**Live at** http://web-staging.acme.localhost:8080');
      expect(web?.url).toBe('http://web-staging.acme.localhost:8080');
      const worker = jobs.find((job) => job.service === 'worker');
      expect(worker?.summary).not.toContain('http://');
      expect(worker?.url).toBeNull();
    } finally {
      await queue.close();
    }
  });

  it('logs a failed enqueue with the tenant and rollout, and returns normally', async () => {
    // Redis gone from under a ready queue: every command fails at once.
    const away = new Redis(redisUrl);
    const queue = createDeployFeedbackQueue({ connection: away, prefix });
    queue.on('error', () => undefined);
    await queue.waitUntilReady();
    await away.quit();
    try {
      await expect(
        enqueueRolloutFeedback({ queue, serviceUrlTemplate: template }, [succeeded('web')], known, logger),
      ).resolves.toBeUndefined();
      expect(logs).toContainEqual(
        expect.objectContaining({
          level: 40,
          tenant: 'acme',
          service: 'web',
          rollout: 'ro-00mfx2k3a1-web',
          msg: expect.stringMatching(/^deploy feedback not enqueued/),
        }),
      );
    } finally {
      await queue.close();
    }
  });
});
