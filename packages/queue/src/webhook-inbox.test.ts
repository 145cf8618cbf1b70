import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { Redis } from 'ioredis';
import { type InboxPump, startInboxPump } from './inbox-pump.js';
import type { WebhookEventJob } from './job-schemas.js';
import { QueueError } from './queue-error.js';
import { createQueues, type Queues } from './queues.js';
import { appendToInbox, webhookInboxDeadKey, webhookInboxKey } from './webhook-inbox.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function pushJob(deliveryId: string): WebhookEventJob {
  return {
    deliveryId,
    event: 'push',
    installationId: 42,
    repository: { id: 7, fullName: 'acme/web' },
    subset: { ref: 'refs/heads/main', sha: 'a'.repeat(40), deleted: false },
    receivedAt: new Date().toISOString(),
  };
}

async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('webhook inbox → pump → webhook-events queue (real Redis)', () => {
  let redis: Redis;
  let queues: Queues;
  let prefix: string;
  let pump: InboxPump | undefined;

  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  afterEach(async () => {
    await pump?.close();
    pump = undefined;
    await queues.close();
    await cleanupRedis(redis, prefix);
  });
  afterAll(() => redis.disconnect());

  const fresh = () => {
    prefix = uniquePrefix('inbox');
    queues = createQueues({ connection: redis, prefix });
  };

  it('moves every delivery into the queue once, repeats included, and empties the inbox', async () => {
    fresh();
    for (const id of ['d-1', 'd-2', 'd-1', 'd-3']) await appendToInbox(redis, pushJob(id), { prefix });
    pump = startInboxPump({ queues, blockMs: 100 });
    const count = await eventually(
      () => queues.webhookEvents.getJobCountByTypes('waiting', 'completed', 'failed', 'active'),
      (n) => n === 3,
    );
    expect(count).toBe(3);
    expect((await queues.webhookEvents.getJob('delivery-d-2'))?.data).toMatchObject({
      deliveryId: 'd-2',
      event: 'push',
    });
    expect(
      await eventually(
        () => redis.xlen(webhookInboxKey(prefix)),
        (n) => n === 0,
      ),
    ).toBe(0);
    // Deliveries arriving while it runs are moved too.
    await appendToInbox(redis, pushJob('d-4'), { prefix });
    expect(await eventually(() => queues.webhookEvents.getJob('delivery-d-4'), Boolean)).toBeDefined();
  });

  it('keeps an entry that is not a job in the dead list and moves the rest', async () => {
    fresh();
    await redis.xadd(webhookInboxKey(prefix), '*', 'job', '{not json');
    await appendToInbox(redis, pushJob('d-ok'), { prefix });
    pump = startInboxPump({ queues, blockMs: 100 });
    expect(await eventually(() => queues.webhookEvents.getJob('delivery-d-ok'), Boolean)).toBeDefined();
    const dead = await eventually(
      () => redis.xrange(webhookInboxDeadKey(prefix), '-', '+'),
      (e) => e.length > 0,
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]?.[1]).toEqual(expect.arrayContaining(['reason', 'job is not JSON', 'job', '{not json']));
  });

  it('takes over what a crashed pump read but never finished', async () => {
    fresh();
    await appendToInbox(redis, pushJob('d-orphan'), { prefix });
    // A pump that read the entry and died before moving it.
    await redis.xgroup('CREATE', webhookInboxKey(prefix), 'pump', '0', 'MKSTREAM');
    await redis.xreadgroup('GROUP', 'pump', 'crashed', 'COUNT', 10, 'STREAMS', webhookInboxKey(prefix), '>');
    pump = startInboxPump({ queues, blockMs: 100, claimIdleMs: 300 });
    expect(await eventually(() => queues.webhookEvents.getJob('delivery-d-orphan'), Boolean)).toBeDefined();
    expect(
      await eventually(
        () => redis.xlen(webhookInboxKey(prefix)),
        (n) => n === 0,
      ),
    ).toBe(0);
  });

  it('refuses a job that does not match the schema, before writing anything', async () => {
    fresh();
    await expect(
      appendToInbox(redis, { ...pushJob('d-bad'), installationId: -1 }, { prefix }),
    ).rejects.toThrow(QueueError);
    expect(await redis.exists(webhookInboxKey(prefix))).toBe(0);
  });
});
