import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { Redis } from 'ioredis';
import {
  appendBuildLog,
  BUILD_LOG_TTL_S,
  type BuildLogItem,
  buildLogKey,
  endBuildLog,
  followBuildLog,
  readBuildLog,
} from './build-log.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('build log streams (real Redis)', () => {
  const prefix = uniquePrefix('buildlog');
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  afterAll(async () => {
    await cleanupRedis(redis, prefix);
    redis.disconnect();
  });

  it('appends lines under a tenant-scoped key with a TTL, and reads them back in order', async () => {
    const ref = { tenant: 'acme', buildId: 'b1', prefix };
    const ids = await appendBuildLog(redis, ref, ['Step 1/2 : FROM busybox', 'Step 2/2 : CMD sh']);
    expect(ids).toHaveLength(2);
    expect(buildLogKey(ref)).toBe(`${prefix}:build-log:acme:b1`);
    const ttl = await redis.ttl(buildLogKey(ref));
    expect(ttl).toBeGreaterThan(BUILD_LOG_TTL_S - 10);
    const log = await readBuildLog(redis, ref);
    expect(log.lines.map((l) => l.line)).toEqual(['Step 1/2 : FROM busybox', 'Step 2/2 : CMD sh']);
    expect(log.end).toBeUndefined();
    const rest = await readBuildLog(redis, ref, { after: ids[0] });
    expect(rest.lines.map((l) => l.line)).toEqual(['Step 2/2 : CMD sh']);
    // Another tenant's log with the same build id is a different stream.
    expect((await readBuildLog(redis, { ...ref, tenant: 'other' })).lines).toEqual([]);
  });

  it('caps the stream at about maxLines', async () => {
    const ref = { tenant: 'acme', buildId: 'big', prefix };
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
    await appendBuildLog(redis, ref, lines, { maxLines: 500 });
    const length = await redis.xlen(buildLogKey(ref));
    // MAXLEN ~ trims whole radix-tree nodes: at least the cap is kept, never the whole 3000.
    expect(length).toBeGreaterThanOrEqual(500);
    expect(length).toBeLessThan(1500);
    const log = await readBuildLog(redis, ref);
    expect(log.lines.at(-1)?.line).toBe('line 2999');
  });

  it('follows a live log until its end entry', async () => {
    const ref = { tenant: 'acme', buildId: 'live', prefix };
    await appendBuildLog(redis, ref, ['before']);
    const seen: BuildLogItem[] = [];
    const following = (async () => {
      for await (const item of followBuildLog(redis, ref, { blockMs: 1000 })) seen.push(item);
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await appendBuildLog(redis, ref, ['during 1', 'during 2']);
    await endBuildLog(redis, ref, 'succeeded');
    await appendBuildLog(redis, ref, ['after the end']);
    await following;
    expect(seen.map((i) => (i.kind === 'line' ? i.line : `end:${i.status}`))).toEqual([
      'before',
      'during 1',
      'during 2',
      'end:succeeded',
    ]);
    expect((await readBuildLog(redis, ref)).end?.status).toBe('succeeded');
  });

  it('stops following quietly when the signal aborts, even while blocked', async () => {
    const ref = { tenant: 'acme', buildId: 'quiet', prefix };
    const controller = new AbortController();
    const seen: string[] = [];
    const started = Date.now();
    const following = (async () => {
      for await (const item of followBuildLog(redis, ref, { signal: controller.signal, blockMs: 30_000 })) {
        if (item.kind === 'line') seen.push(item.line);
      }
    })();
    await appendBuildLog(redis, ref, ['only line']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    await following;
    expect(seen).toEqual(['only line']);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
