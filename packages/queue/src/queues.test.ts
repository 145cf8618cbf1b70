import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { Redis } from 'ioredis';
import { buildJobId, parseBuildJobId } from './build-job-id.js';
import { enqueueWebhookEvent, webhookJobId } from './enqueue-webhook-event.js';
import type { WebhookEventJob } from './job-schemas.js';
import { QueueError } from './queue-error.js';
import { createQueues, type Queues } from './queues.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sha = 'a'.repeat(40);

function pushJob(deliveryId: string): WebhookEventJob {
  return {
    deliveryId,
    event: 'push',
    installationId: 42,
    repository: { id: 7, fullName: 'acme/web' },
    subset: { ref: 'refs/heads/main', sha, deleted: false, sender: 'octocat' },
    receivedAt: new Date().toISOString(),
  };
}

describe('createQueues + enqueueWebhookEvent (real Redis)', () => {
  const prefix = uniquePrefix('queue');
  let redis: Redis;
  let queues: Queues;

  beforeAll(() => {
    redis = new Redis(redisUrl);
    queues = createQueues({ connection: redis, prefix });
  });
  afterAll(async () => {
    await queues.close();
    await cleanupRedis(redis, prefix);
    redis.disconnect();
  });

  it('stores the job under the key prefix, with the delivery as job id and a bounded lifetime', async () => {
    const id = await enqueueWebhookEvent(queues, pushJob('d-1'));
    expect(id).toBe(webhookJobId({ deliveryId: 'd-1' }));
    const job = await queues.webhookEvents.getJob(id);
    expect(job?.data).toEqual({ ...pushJob('d-1'), receivedAt: job?.data.receivedAt });
    expect(job?.opts.removeOnComplete).toEqual({ age: 3 * 24 * 3600 });
    const [, keys] = await redis.scan('0', 'MATCH', `${prefix}:github-webhook-events:*`, 'COUNT', 1000);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('adds one job for the same delivery enqueued twice', async () => {
    await enqueueWebhookEvent(queues, pushJob('d-2'));
    await enqueueWebhookEvent(queues, pushJob('d-2'));
    const jobs = await queues.webhookEvents.getJobs(['waiting']);
    expect(jobs.filter((j) => j.data.deliveryId === 'd-2')).toHaveLength(1);
  });

  it('refuses an invalid job with a typed error and adds nothing', async () => {
    const bad = { ...pushJob('d-3'), installationId: -1 };
    await expect(enqueueWebhookEvent(queues, bad)).rejects.toMatchObject({
      name: 'QueueError',
      code: 'INVALID_JOB_PAYLOAD',
    });
    await expect(enqueueWebhookEvent(queues, pushJob('has:colon'))).rejects.toBeInstanceOf(QueueError);
    expect(await queues.webhookEvents.getJob(webhookJobId({ deliveryId: 'd-3' }))).toBeUndefined();
  });

  it('close() is idempotent', async () => {
    const other = createQueues({ connection: redis, prefix });
    await other.close();
    await expect(other.close()).resolves.toBeUndefined();
    expect(redis.status).toBe('ready'); // the caller's connection stays open
  });
});

describe('buildJobId', () => {
  const web = { tenant: 'acme', service: 'web', environment: 'production', sha };

  it('is deterministic, BullMQ-safe and parses back', () => {
    const id = buildJobId(web);
    expect(id).toBe(`acme.web.production.${sha}`);
    expect(id).not.toContain(':');
    expect(buildJobId(web)).toBe(id);
    expect(parseBuildJobId(id)).toEqual({ ...web, attempt: 1 });
    expect(parseBuildJobId('delivery-123')).toBeUndefined();
    const rerun = buildJobId({ ...web, attempt: 3 });
    expect(rerun).toBe(`${id}.a3`);
    expect(parseBuildJobId(rerun)).toEqual({ ...web, attempt: 3 });
    expect(parseBuildJobId(`${id}.a0`)).toBeUndefined();
    expect(parseBuildJobId(`${id}.x2`)).toBeUndefined();
    expect(parseBuildJobId(`acme.web.${sha}`)).toBeUndefined();
    expect(() => buildJobId({ ...web, attempt: 0 })).toThrow(/attempt 0/);
  });

  it('gives the same commit a job per environment', () => {
    const preview = buildJobId({ ...web, environment: 'pr-7' });
    expect(preview).toBe(`acme.web.pr-7.${sha}`);
    expect(preview).not.toBe(buildJobId(web));
    expect(parseBuildJobId(preview)).toEqual({ ...web, environment: 'pr-7', attempt: 1 });
  });

  it('refuses parts that would make an ambiguous or unsafe id', () => {
    expect(() => buildJobId({ ...web, tenant: 'Acme' })).toThrow(/tenant "Acme"/);
    expect(() => buildJobId({ ...web, service: 'a.b' })).toThrow(/service/);
    expect(() => buildJobId({ ...web, environment: 'prod.eu' })).toThrow(/environment/);
    expect(() => buildJobId({ ...web, sha: 'abc' })).toThrow(/40-character/);
  });

  it('is accepted by BullMQ as a custom job id, and a repeat adds nothing', async () => {
    const prefix = uniquePrefix('queue-build');
    const redis = new Redis(redisUrl);
    const queues = createQueues({ connection: redis, prefix });
    try {
      const id = buildJobId(web);
      const data = {
        tenant: 'acme',
        service: 'web',
        environment: 'production',
        commit: sha,
        ref: 'refs/heads/main',
        installationId: 42,
        repository: { id: 7, fullName: 'acme/web' },
        deliveryId: 'd-9',
        build: { dockerfile: 'Dockerfile', context: '.', args: {} },
        config: {
          port: 8080,
          resources: { cpuMillicores: 250, memoryMiB: 128 },
          health: { path: '/', intervalMs: 5000, timeoutMs: 1000 },
          env: {},
          secrets: [],
        },
      };
      await queues.builds.add('build', data, { jobId: id });
      await queues.builds.add('build', data, { jobId: id });
      expect(await queues.builds.getJobCounts('waiting')).toEqual({ waiting: 1 });
      expect((await queues.builds.getJob(id))?.data.tenant).toBe('acme');
    } finally {
      await queues.close();
      await cleanupRedis(redis, prefix);
      redis.disconnect();
    }
  });
});
