import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { Redis } from 'ioredis';
import type { WebhookEventJob } from './job-schemas.js';
import { QueueError } from './queue-error.js';
import { webhookInboxKey } from './webhook-inbox.js';
import { createWebhookInboxWriter } from './webhook-inbox-writer.js';

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

/** The delivery ids in the inbox, in stream order. */
async function inboxDeliveries(redis: Redis, prefix: string): Promise<string[]> {
  const entries = await redis.xrange(webhookInboxKey(prefix), '-', '+');
  return entries.map(([, fields]) => (JSON.parse(fields[1]!) as WebhookEventJob).deliveryId);
}

/**
 * A TCP proxy to the real Redis that can hold Redis's replies back: a round trip kept "on its
 * way" for as long as a test needs.
 */
async function startReplyGate(target: string) {
  const { hostname, port } = new URL(target);
  let held: Buffer[] | undefined;
  let toClient: Socket | undefined;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(Number(port), hostname);
    toClient = client;
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
    }
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => (held ? held.push(chunk) : client.write(chunk)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${address.port}`,
    hold() {
      held ??= [];
    },
    release() {
      for (const chunk of held ?? []) toClient?.write(chunk);
      held = undefined;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('webhook inbox writer (real Redis)', () => {
  let redis: Redis;
  let prefix: string;

  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await cleanupRedis(redis, prefix);
  });
  afterAll(() => redis.disconnect());

  it('stores concurrent deliveries in a few round trips, one entry each, in the order they came', async () => {
    prefix = uniquePrefix('inbox-writer');
    const writer = createWebhookInboxWriter(redis, { prefix });
    const pipelines = jest.spyOn(redis, 'pipeline');
    const ids = Array.from({ length: 60 }, (_, i) => `d-${i}`);
    const first = writer.append(pushJob('d-first'));
    const entryIds = await Promise.all([first, ...ids.map((id) => writer.append(pushJob(id)))]);
    expect(new Set(entryIds).size).toBe(61);
    expect(await inboxDeliveries(redis, prefix)).toEqual(['d-first', ...ids]);
    // 61 appends in one turn: one round trip (at most two if the first went alone).
    expect(pipelines.mock.calls.length).toBeLessThanOrEqual(2);
    // The entry holds the job as stored, which the pump reads back.
    const [[, fields]] = (await redis.xrange(webhookInboxKey(prefix), '-', '+', 'COUNT', 1)) as [
      [string, string[]],
    ];
    expect(fields[0]).toBe('job');
    const { receivedAt, ...stored } = JSON.parse(fields[1]!) as WebhookEventJob;
    const { receivedAt: _, ...sent } = pushJob('d-first');
    expect(stored).toEqual(sent);
    expect(Date.parse(receivedAt)).not.toBeNaN();
    await writer.close();
  });

  it('gathers the appends made while a group is on its way and sends them together once it is answered', async () => {
    prefix = uniquePrefix('inbox-writer');
    const gate = await startReplyGate(redisUrl);
    const client = new Redis(gate.url);
    try {
      await client.ping();
      const writer = createWebhookInboxWriter(client, { prefix });
      const pipelines = jest.spyOn(client, 'pipeline');
      gate.hold();
      const first = writer.append(pushJob('w-0'));
      await nextTurn(); // an idle writer sends at the end of the turn
      expect(pipelines.mock.calls).toHaveLength(1);
      const later = [];
      for (let i = 1; i <= 5; i++) {
        later.push(writer.append(pushJob(`w-${i}`)));
        await nextTurn(); // each in a turn of its own, as deliveries trickling in
      }
      expect(pipelines.mock.calls).toHaveLength(1); // still waiting for the first answer
      gate.release();
      await Promise.all([first, ...later]);
      expect(pipelines.mock.calls).toHaveLength(2);
      expect(await inboxDeliveries(redis, prefix)).toEqual(['w-0', 'w-1', 'w-2', 'w-3', 'w-4', 'w-5']);
      await writer.close();
    } finally {
      client.disconnect();
      await gate.close();
    }
  });

  it('splits a turn with more than maxBatch appends into several round trips', async () => {
    prefix = uniquePrefix('inbox-writer');
    const writer = createWebhookInboxWriter(redis, { prefix, maxBatch: 10 });
    const pipelines = jest.spyOn(redis, 'pipeline');
    const ids = Array.from({ length: 35 }, (_, i) => `g-${i}`);
    await Promise.all(ids.map((id) => writer.append(pushJob(id))));
    // At most 10 per round trip: 10, 10, 10, 5.
    expect(pipelines.mock.calls).toHaveLength(4);
    expect(await inboxDeliveries(redis, prefix)).toEqual(ids);
    await writer.close();
  });

  it('stores the job as given, without checking it (the pump checks it on the way out)', async () => {
    prefix = uniquePrefix('inbox-writer');
    const writer = createWebhookInboxWriter(redis, { prefix });
    await writer.append({ ...pushJob('d-odd'), installationId: -1 });
    const [[, fields]] = (await redis.xrange(webhookInboxKey(prefix), '-', '+')) as [[string, string[]]];
    expect(JSON.parse(fields[1]!)).toMatchObject({ deliveryId: 'd-odd', installationId: -1 });
    await writer.close();
  });

  it('fails every append of a group with ENQUEUE_TIMEOUT when Redis does not confirm in time', async () => {
    prefix = uniquePrefix('inbox-writer');
    // Nothing listens on port 1; with the offline queue on, commands wait instead of failing.
    const away = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: null, retryStrategy: () => 200 });
    away.on('error', () => {});
    try {
      const writer = createWebhookInboxWriter(away, { prefix, timeoutMs: 300 });
      const started = Date.now();
      const results = await Promise.allSettled([
        writer.append(pushJob('t-1')),
        writer.append(pushJob('t-2')),
      ]);
      expect(Date.now() - started).toBeLessThan(2000);
      for (const result of results) {
        expect(result).toMatchObject({ status: 'rejected', reason: { code: 'ENQUEUE_TIMEOUT' } });
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(QueueError);
      }
      expect(String((results[0] as PromiseRejectedResult).reason.message)).toMatch(/t-1 within 300 ms/);
      await writer.close();
    } finally {
      away.disconnect();
    }
  });

  it("passes Redis's refusal on to the append, at once", async () => {
    prefix = uniquePrefix('inbox-writer');
    const down = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    down.on('error', () => {});
    try {
      const writer = createWebhookInboxWriter(down, { prefix, timeoutMs: 5000 });
      const started = Date.now();
      await expect(writer.append(pushJob('r-1'))).rejects.toThrow(/enableOfflineQueue|Connection|closed/i);
      expect(Date.now() - started).toBeLessThan(1000);
      await writer.close();
    } finally {
      down.disconnect();
    }
  });

  it('close waits for the appends in hand, then refuses new ones', async () => {
    prefix = uniquePrefix('inbox-writer');
    const writer = createWebhookInboxWriter(redis, { prefix });
    const appended = writer.append(pushJob('c-1'));
    const closed = writer.close();
    expect(writer.close()).toBe(closed); // idempotent
    await closed;
    await expect(appended).resolves.toEqual(expect.any(String));
    expect(await inboxDeliveries(redis, prefix)).toEqual(['c-1']);
    await expect(writer.append(pushJob('c-2'))).rejects.toMatchObject({ code: 'ENQUEUE_TIMEOUT' });
    expect(await inboxDeliveries(redis, prefix)).toEqual(['c-1']);
  });
});
