import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { Redis } from 'ioredis';
import { deployFeedbackJobId, enqueueDeployFeedback } from './enqueue-deploy-feedback.js';
import type { DeployFeedbackJob } from './job-schemas.js';
import { createDeployFeedbackQueue, createQueues } from './queues.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const feedback = (fields: Partial<DeployFeedbackJob> = {}): DeployFeedbackJob => ({
  tenant: 'acme',
  environment: 'production',
  service: 'web',
  rolloutId: 'ro-00mfx2k3a1-1a2b3c4d',
  installationId: 42,
  repository: { id: 7, fullName: 'acme/web' },
  commit: 'c'.repeat(40),
  status: 'in_progress',
  title: 'Deploying release r-2',
  summary: '| # | step |\n| - | - |',
  startedAt: '2026-11-26T14:00:00.000Z',
  completedAt: null,
  sequence: 3,
  ...fields,
});

describe('enqueueDeployFeedback (real Redis)', () => {
  const prefix = uniquePrefix('deploy-feedback');
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  afterAll(async () => {
    await cleanupRedis(redis, prefix);
    redis.disconnect();
  });

  it('adds one job per rollout state, with id <tenant>.<rollout>.<sequence> and retries with backoff', async () => {
    const queue = createDeployFeedbackQueue({ connection: redis, prefix });
    try {
      expect(await enqueueDeployFeedback(queue, feedback())).toBe('acme.ro-00mfx2k3a1-1a2b3c4d.3');
      await enqueueDeployFeedback(queue, feedback()); // the same state again
      await enqueueDeployFeedback(queue, feedback({ sequence: 4 }));
      const jobs = await queue.getJobs(['waiting']);
      expect(jobs.map((job) => job.id).sort()).toEqual([
        'acme.ro-00mfx2k3a1-1a2b3c4d.3',
        'acme.ro-00mfx2k3a1-1a2b3c4d.4',
      ]);
      const job = await queue.getJob(deployFeedbackJobId(feedback()));
      expect(job?.data).toEqual(feedback());
      expect(job?.opts).toMatchObject({ attempts: 8, backoff: { type: 'exponential', delay: 1000 } });
    } finally {
      await queue.close();
    }
  });

  it('is the queue createQueues opens too (same name and prefix)', async () => {
    const queues = createQueues({ connection: redis, prefix });
    try {
      expect(await queues.deployFeedback.getJob('acme.ro-00mfx2k3a1-1a2b3c4d.4')).toBeDefined();
    } finally {
      await queues.close();
    }
  });

  it('refuses a completed state without a conclusion, and a conclusion on a running one', async () => {
    const queue = createDeployFeedbackQueue({ connection: redis, prefix });
    try {
      for (const bad of [
        feedback({ status: 'completed', sequence: 9 }),
        feedback({ conclusion: 'success', sequence: 10 }),
      ]) {
        await expect(enqueueDeployFeedback(queue, bad)).rejects.toMatchObject({
          name: 'QueueError',
          code: 'INVALID_JOB_PAYLOAD',
        });
      }
      expect(await queue.getJob('acme.ro-00mfx2k3a1-1a2b3c4d.9')).toBeUndefined();
    } finally {
      await queue.close();
    }
  });

  it('carries the public URL when there is one, and refuses a URL that is not http(s)', async () => {
    const queue = createDeployFeedbackQueue({ connection: redis, prefix });
    try {
      const live = feedback({
        status: 'completed',
        conclusion: 'success',
        sequence: 20,
        url: 'http://web.acme.localhost:8080',
      });
      const id = await enqueueDeployFeedback(queue, live);
      expect((await queue.getJob(id))?.data.url).toBe('http://web.acme.localhost:8080');
      // Internal services: null, or absent in jobs from before the field existed.
      await enqueueDeployFeedback(queue, feedback({ sequence: 21, url: null }));
      expect((await queue.getJob('acme.ro-00mfx2k3a1-1a2b3c4d.21'))?.data.url).toBeNull();
      for (const url of ['javascript:alert(1)', 'not a url']) {
        await expect(enqueueDeployFeedback(queue, feedback({ sequence: 22, url }))).rejects.toMatchObject({
          code: 'INVALID_JOB_PAYLOAD',
        });
      }
    } finally {
      await queue.close();
    }
  });
});
