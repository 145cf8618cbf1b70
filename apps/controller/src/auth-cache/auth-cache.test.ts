import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { ConflictError, FsStateStore } from '@slipway/state';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { AuthCache, authInvalidateChannel } from './auth-cache.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniquePrefix('ctl-auth-cache-unit');
const logger = pino({ level: 'silent' });
const tokenId = '0123456789abcdef0123';
const opened: { close(): void }[] = [];
const connections: Redis[] = [];

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl);
});
afterEach(() => {
  for (const cache of opened.splice(0)) cache.close();
  for (const connection of connections.splice(0)) connection.disconnect();
});
afterAll(async () => {
  await cleanupRedis(redis, prefix);
  redis.disconnect();
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 5_000) throw new Error(`${what}: not within 5 s`);
    await sleep(10);
  }
}

/** A started cache on its own connection (named `name`, so a test can kill its subscriber). */
async function startedCache(name: string): Promise<AuthCache> {
  const connection = new Redis(redisUrl, { connectionName: `${prefix}-${name}` });
  connections.push(connection);
  const cache = new AuthCache({ redis: connection, prefix, logger });
  opened.push(cache);
  cache.start();
  await until(() => cache.caching, `${name} subscribed`);
  return cache;
}

const record = {
  id: tokenId,
  kind: 'host',
  hash: 'sha256:x',
  tenant: 'acme',
  host: 'h',
  createdAt: '2030-01-01T00:00:00.000Z',
} as const;
const tenant = { value: { id: 'acme' }, etag: 'e1' } as never;

describe('AuthCache', () => {
  it('tells every replica of a token or tenant write, and nothing of other writes', async () => {
    const writer = await startedCache('writer');
    const reader = await startedCache('reader');
    const heard: string[] = [];
    const listener = redis.duplicate();
    connections.push(listener);
    listener.on('message', (_channel: string, message: string) => heard.push(message));
    await listener.subscribe(authInvalidateChannel(prefix));
    await reader.tokens.get(tokenId, async () => record);
    await reader.tenants.get('acme', async () => tenant);
    expect([reader.tokens.size, reader.tenants.size]).toEqual([1, 1]);

    await writer.announce('tenants/acme/hosts/h.json');
    await writer.announce(`tokens/${tokenId}.json`);
    await until(() => reader.tokens.size === 0, 'the token forgotten');
    expect(reader.tenants.size).toBe(1);
    await writer.announce('tenants/acme/tenant.json');
    await until(() => reader.tenants.size === 0, 'the tenant forgotten');
    await until(() => heard.length === 2, 'two messages');
    expect(heard).toEqual([JSON.stringify({ token: tokenId }), JSON.stringify({ tenant: 'acme' })]);
  });

  it('publishes again what it could not publish', async () => {
    const writerConnection = new Redis(redisUrl, { maxRetriesPerRequest: 0 });
    connections.push(writerConnection);
    const writer = new AuthCache({ redis: writerConnection, prefix, logger });
    opened.push(writer);
    const reader = await startedCache('patient');
    await reader.tokens.get(tokenId, async () => record);
    writerConnection.disconnect(); // publishing now fails at once
    await writer.announce(`tokens/${tokenId}.json`);
    await sleep(100);
    expect(reader.tokens.size).toBe(1);
    await writerConnection.connect();
    await until(() => reader.tokens.size === 0, 'forgotten after the retry');
  });

  it('keeps nothing while its subscriber is disconnected, and starts empty after', async () => {
    const cache = await startedCache('flaky');
    await cache.tokens.get(tokenId, async () => record);
    const clients = String(await redis.client('LIST'));
    const line = clients.split('\n').find((l) => l.includes(`name=${prefix}-flaky:auth`));
    const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    await redis.client('KILL', 'ID', id!);
    await until(() => !cache.caching, 'suspended');
    expect(cache.tokens.size).toBe(0);
    await until(() => cache.caching, 'subscribed again');
    await cache.tokens.get(tokenId, async () => record);
    expect(cache.tokens.size).toBe(1);
  });

  it('drops everything on a message it cannot read', async () => {
    const cache = await startedCache('garbled');
    await cache.tokens.get(tokenId, async () => record);
    await redis.publish(authInvalidateChannel(prefix), 'not json');
    await until(() => cache.tokens.size === 0, 'dropped');
  });

  it('keeps entries briefly, and per replica only, without Redis', async () => {
    const cache = new AuthCache({ redis: undefined, prefix, logger });
    opened.push(cache);
    expect(cache.caching).toBe(true);
    expect(cache.tokens.ttlMs).toBe(5_000);
    await cache.tokens.get(tokenId, async () => record);
    await cache.announce(`tokens/${tokenId}.json`);
    expect(cache.tokens.size).toBe(0);
    cache.close();
    expect(cache.caching).toBe(false);
  });

  it('announces writes of its store, failed ones too', async () => {
    const root = await mkdtemp(join(tmpdir(), 'slipway-auth-cache-'));
    const cache = new AuthCache({ redis: undefined, prefix, logger });
    opened.push(cache);
    const store = cache.announcingWrites(new FsStateStore({ root, durable: false }));
    try {
      const key = `tokens/${tokenId}.json`;
      const { etag } = await store.put(key, record);
      await cache.tokens.get(tokenId, async () => record);
      await expect(store.put(key, record, { ifMatch: 'stale' })).rejects.toThrow(ConflictError);
      expect(cache.tokens.size).toBe(0);
      await cache.tokens.get(tokenId, async () => record);
      await store.delete(key, { ifMatch: etag });
      expect(cache.tokens.size).toBe(0);
    } finally {
      await store.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
