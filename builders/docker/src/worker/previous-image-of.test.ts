import { describe, expect, it } from '@jest/globals';
import type { Release } from '@slipway/core';
import { type CacheQuery, previousImageOf } from './previous-image-of.js';

const REPOSITORY = '127.0.0.1:5000/acme/web';
const sha = (c: string) => c.repeat(40);
const digest = (c: string) => `sha256:${c.repeat(64)}`;

const query: CacheQuery = {
  tenant: 'acme',
  service: 'web',
  environment: 'production',
  commit: sha('f'),
  repository: REPOSITORY,
};

function release(id: string, createdAt: string, extra: Partial<Release> = {}): Release {
  const commit = extra.commit === undefined ? sha(id.slice(-1)) : extra.commit;
  return {
    id,
    tenant: 'acme',
    service: 'web',
    environment: 'production',
    image: `${REPOSITORY}:${commit ?? 'latest'}`,
    digest: digest(id.slice(-1)),
    config: {
      port: 8080,
      resources: { cpuMillicores: 250, memoryMiB: 64 },
      health: { path: '/', intervalMs: 5000, timeoutMs: 1000 },
      env: {},
      secrets: [],
    },
    commit,
    buildId: `b-${id}`,
    createdAt,
    ...extra,
  };
}

describe('previousImageOf', () => {
  it('picks the newest Release by createdAt, whatever the listing order, pinned by digest', () => {
    const releases = [
      release('r-a', '2025-01-02T10:00:00.000Z'),
      release('r-c', '2025-01-03T09:00:00.000Z'),
      release('r-b', '2025-01-01T23:59:59.999Z'),
    ];
    const expected = { reference: `${REPOSITORY}@${digest('c')}`, releaseId: 'r-c', commit: sha('c') };
    expect(previousImageOf(releases, query)).toEqual(expected);
    expect(previousImageOf([...releases].reverse(), query)).toEqual(expected);
  });

  it('has none without an earlier Release', () => {
    expect(previousImageOf([], query)).toBeUndefined();
  });

  it("skips the commit's own Release, other services, environments and tenants", () => {
    const releases = [
      release('r-a', '2025-01-01T00:00:00.000Z'),
      release('r-f', '2025-01-09T00:00:00.000Z', { commit: query.commit }),
      release('r-b', '2025-01-08T00:00:00.000Z', { service: 'api' }),
      release('r-c', '2025-01-08T00:00:00.000Z', { environment: 'staging' }),
      release('r-d', '2025-01-08T00:00:00.000Z', { tenant: 'globex' }),
    ];
    expect(previousImageOf(releases, query)?.releaseId).toBe('r-a');
  });

  it('skips images Slipway did not build and images outside the repository the credentials are for', () => {
    const releases = [
      release('r-a', '2025-01-01T00:00:00.000Z'),
      release('r-b', '2025-01-05T00:00:00.000Z', { commit: null, buildId: null, image: 'nginx:1.27' }),
      release('r-c', '2025-01-05T00:00:00.000Z', { image: `ghcr.io/acme/web:${sha('c')}` }),
      release('r-d', '2025-01-05T00:00:00.000Z', { image: `${REPOSITORY}-old:${sha('d')}` }),
    ];
    expect(previousImageOf(releases, query)?.releaseId).toBe('r-a');
  });

  it('breaks a createdAt tie by id, so the choice does not depend on order', () => {
    const at = '2025-01-01T00:00:00.000Z';
    const releases = [release('r-a', at), release('r-b', at)];
    expect(previousImageOf(releases, query)?.releaseId).toBe('r-b');
    expect(previousImageOf([...releases].reverse(), query)?.releaseId).toBe('r-b');
  });

  it('reads an image recorded with a digest as the same repository', () => {
    const pinned = release('r-a', '2025-01-01T00:00:00.000Z', { image: `${REPOSITORY}@${digest('a')}` });
    expect(previousImageOf([pinned], query)?.reference).toBe(`${REPOSITORY}@${digest('a')}`);
  });
});
