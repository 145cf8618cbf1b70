import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { Redis } from 'ioredis';
import { isLatestBuild, latestBuild, markLatestBuild } from './latest-build.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const [a, b, c] = ['a', 'b', 'c'].map((ch) => ch.repeat(40)) as [string, string, string];

describe('latest build marker (real Redis)', () => {
  const prefix = uniquePrefix('latest');
  const line = { tenant: 'acme', service: 'web', ref: 'refs/heads/main', prefix };
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  afterAll(async () => {
    await cleanupRedis(redis, prefix);
    redis.disconnect();
  });

  it('moves forward with newer pushes and names the commit it superseded', async () => {
    expect(await isLatestBuild(redis, line, a)).toBe(true);
    expect(await markLatestBuild(redis, line, a, 1000)).toEqual({ latest: true });
    expect(await markLatestBuild(redis, line, b, 2000)).toEqual({ latest: true, previous: a });
    expect(await latestBuild(redis, line)).toBe(b);
    expect(await isLatestBuild(redis, line, a)).toBe(false);
    expect(await isLatestBuild(redis, line, b)).toBe(true);
  });

  it('never lets a push handled late take the line back, and repeats are harmless', async () => {
    expect(await markLatestBuild(redis, line, c, 1500)).toEqual({ latest: false, previous: b });
    expect(await markLatestBuild(redis, line, b, 2000)).toEqual({ latest: true });
    expect(await latestBuild(redis, line)).toBe(b);
  });

  it('keeps lines apart by tenant, service and ref', async () => {
    const other = { ...line, ref: 'refs/heads/dev' };
    expect(await markLatestBuild(redis, other, c, 500)).toEqual({ latest: true });
    expect(await latestBuild(redis, line)).toBe(b);
    expect(await latestBuild(redis, { ...line, tenant: 'globex' })).toBeUndefined();
  });
});
