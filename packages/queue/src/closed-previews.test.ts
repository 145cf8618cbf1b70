import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { Redis } from 'ioredis';
import { isPreviewClosed, markPreviewClosed, previewNumberOf, reopenPreview } from './closed-previews.js';

const prefix = uniquePrefix('closed-previews');
let redis: Redis;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});

afterAll(async () => {
  await cleanupRedis(redis, prefix);
  redis.disconnect();
});

describe('closed previews', () => {
  it('are closed per tenant, repository and number until reopened', async () => {
    const line = { tenant: 'acme', repositoryId: 7, number: 12, prefix };
    expect(await isPreviewClosed(redis, line)).toBe(false);
    await markPreviewClosed(redis, line, Date.now());
    expect(await isPreviewClosed(redis, line)).toBe(true);
    expect(await isPreviewClosed(redis, { ...line, repositoryId: 8 })).toBe(false);
    expect(await isPreviewClosed(redis, { ...line, tenant: 'globex' })).toBe(false);
    expect(await redis.ttl(`${prefix}:preview-closed:acme:7:12`)).toBeGreaterThan(13 * 24 * 60 * 60);
    await reopenPreview(redis, line);
    expect(await isPreviewClosed(redis, line)).toBe(false);
  });

  it('reads the pull request number of a preview environment only', () => {
    expect(previewNumberOf('pr-12')).toBe(12);
    expect(previewNumberOf('production')).toBeUndefined();
    expect(previewNumberOf('pr-')).toBeUndefined();
    expect(previewNumberOf('pr-12-old')).toBeUndefined();
  });
});
