import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { Redis } from 'ioredis';
import { type Harness, makeTenant, makeToken, makeUser, startHarness } from './support/api-harness.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniquePrefix('ratelimit');
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    REDIS_URL: redisUrl,
    SLIPWAY_REDIS_PREFIX: prefix,
    SLIPWAY_RATE_LIMIT_PER_MINUTE: '5',
  });
});
afterAll(async () => {
  await harness.close();
  const redis = new Redis(redisUrl);
  await cleanupRedis(redis, prefix);
  redis.disconnect();
});

describe('per-token rate limits (counted in Redis)', () => {
  it('answers 429 with Retry-After once a token is over its limit, and leaves other tokens alone', async () => {
    const alice = await makeUser(harness, 'alice');
    const bob = await makeUser(harness, 'bob');
    await makeTenant(harness, 'rl-acme', [
      { user: alice.id, role: 'owner' },
      { user: bob.id, role: 'viewer' },
    ]);
    const aliceToken = (await makeToken(harness, alice.id, { tenant: 'rl-acme', role: 'owner' })).token;
    const bobToken = (await makeToken(harness, bob.id, { tenant: 'rl-acme', role: 'viewer' })).token;

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await harness.call('GET', '/v1/me', { token: aliceToken })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);

    const limited = await harness.call('GET', '/v1/tenants/rl-acme', { token: aliceToken });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });

    expect((await harness.call('GET', '/v1/me', { token: bobToken })).status).toBe(200);
    const redis = new Redis(redisUrl);
    const counters = await redis.keys(`${prefix}:ratelimit:*`); // the counters live in Redis, shared by replicas
    redis.disconnect();
    expect(counters.length).toBeGreaterThan(0);
  });
});
