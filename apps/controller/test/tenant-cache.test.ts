// The scheduler's per-term cache: a pass lists the tenant's documents every time but reads (GETs)
// only those whose listed etag changed, and an immutable release once. Real local state store and
// Redis; the store is wrapped to count its GETs by key.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Host, Rollout } from '@slipway/core';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import {
  createRepositories,
  FsStateStore,
  hostKey,
  PolicyStore,
  releaseKey,
  rolloutKey,
  type StateStore,
  serviceKey,
} from '@slipway/state';
import { Redis } from 'ioredis';
import { createDesiredRepository, desiredKey } from '../src/hosts/desired-allocations.js';
import { HostStatusStore } from '../src/hosts/host-status-store.js';
import { loadTenant, type TenantSources } from '../src/scheduler/load-tenant.js';
import { TenantCache } from '../src/scheduler/tenant-cache.js';
import { sampleRelease, sampleService } from './support/records.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniquePrefix('ctl-tcache');
const tenant = 'acme';

let root: string;
let redis: Redis;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'slipway-tenant-cache-'));
  redis = new Redis(redisUrl);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await cleanupRedis(redis, prefix);
  redis.disconnect();
});

/** A store that counts GETs per key. */
function counting(store: StateStore) {
  const reads = new Map<string, number>();
  const counted: StateStore = {
    get: (key) => {
      reads.set(key, (reads.get(key) ?? 0) + 1);
      return store.get(key);
    },
    put: (key, value, options) => store.put(key, value, options),
    delete: (key, options) => store.delete(key, options),
    list: (p, options) => store.list(p, options),
    close: () => store.close(),
  };
  return { counted, reads };
}

const host = (id: string): Host => ({
  id,
  tenant,
  capacity: { cpuMillicores: 4000, memoryMiB: 4096 },
  labels: { zone: 'a', pool: 'default' },
  status: 'ready',
});

describe('loadTenant with a TenantCache', () => {
  it('reads a changed document again and an unchanged one (or a release) not at all', async () => {
    const { counted, reads } = counting(new FsStateStore({ root, durable: false }));
    const repos = createRepositories(counted);
    const desired = createDesiredRepository(counted);
    const sources: TenantSources = {
      store: counted,
      repos,
      policies: new PolicyStore({ store: counted }),
      desired,
      status: new HostStatusStore({ redis, prefix }),
      cache: new TenantCache(),
    };
    await repos.hosts.create(host('h-1'));
    await repos.hosts.create(host('h-2'));
    const release = sampleRelease({ tenant, id: 'r-1' });
    await repos.releases.create(release);
    const web = await repos.services.create(sampleService({ tenant, release: 'r-1' }));
    const spec = {
      allocation: 'a-1',
      tenant,
      service: 'web',
      environment: 'production',
      release: 'r-1',
      slot: 0,
    };
    await desired.create({ tenant, host: 'h-1', allocations: [spec] });
    const rollout: Rollout = {
      id: 'ro-1',
      tenant,
      service: 'web',
      environment: 'production',
      fromRelease: null,
      toRelease: 'r-1',
      replicas: 1,
      baseline: {},
      steps: [
        { action: 'start', release: 'r-1', replicas: 1, phase: 'deploy', status: 'done', startedAt: null },
      ],
      status: 'succeeded',
      reason: null,
      createdAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
    };
    await repos.rollouts.create(rollout);
    const ro1 = rolloutKey(rollout);
    reads.clear();

    const first = await loadTenant(sources, tenant, Date.now(), 15_000);
    expect(first.input.hosts.map((h) => h.id)).toEqual(['h-1', 'h-2']);
    expect(first.input.releases.get('r-1')?.digest).toBe(release.digest);
    const readsOf = (key: string) => reads.get(key) ?? 0;
    const h1 = hostKey({ tenant, id: 'h-1' });
    const webKey = serviceKey({ tenant, environment: 'production', name: 'web' });
    const r1 = releaseKey({ tenant, environment: 'production', service: 'web', id: 'r-1' });
    // Reads of: host h-1, service web, h-1's desired document, release r-1, the latest rollout.
    const readsOfEach = () => [h1, webKey, desiredKey(tenant, 'h-1'), r1, ro1].map(readsOf);
    expect(readsOfEach()).toEqual([1, 1, 1, 1, 1]);

    // Nothing changed: the second pass lists, but reads no document again.
    const second = await loadTenant(sources, tenant, Date.now(), 15_000);
    expect(second.input).toEqual(first.input);
    expect(readsOfEach()).toEqual([1, 1, 1, 1, 1]);

    // The service changes, a host leaves: only the changed document is read, the gone one is gone.
    await repos.services.replace({ ...web.value, replicas: 3 }, { ifMatch: web.etag });
    await repos.hosts.delete(hostKey({ tenant, id: 'h-2' }));
    const third = await loadTenant(sources, tenant, Date.now(), 15_000);
    expect(third.input.services.map((s) => s.replicas)).toEqual([3]);
    expect(third.input.hosts.map((h) => h.id)).toEqual(['h-1']);
    expect(readsOfEach()).toEqual([1, 2, 1, 1, 1]);
  });
});
