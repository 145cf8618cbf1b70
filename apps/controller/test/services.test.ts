// Services through the API: created from slipway.yaml or as one image service, policy-checked,
// scaled and deleted, shown with the scheduler's placement and their allocations; every change
// wakes the scheduler. Real Redis, a real registry, the local state store.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalRegistry } from '@slipway/cloud';
import type { Release, Service } from '@slipway/core';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { Redis } from 'ioredis';
import { desiredKey } from '../src/hosts/desired-allocations.js';
import { writeDesired } from '../src/hosts/write-desired.js';
import { type ServicePlacement, schedulerWakeChannel } from '../src/scheduler/scheduler-signals.js';
import { type Harness, makeTenant, makeToken, makeUser, startHarness } from './support/api-harness.js';
import { pushTinyImage } from './support/push-image.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniquePrefix('ctl-services');
const registryAddress = '127.0.0.1:5000';
const tenant = uniquePrefix('svc');
const other = `${tenant}-other`;
const localImage = `${registryAddress}/${tenant}/api:v1`;

let harness: Harness;
let redis: Redis;
let subscriber: Redis;
let pushedDigest: string;
const tokens = { viewer: '', developer: '', owner: '', otherOwner: '' };
const registry = new LocalRegistry({ address: registryAddress });

/** Resolves with the next wake-up published for `tenant`, however long it takes to arrive. */
const wakeListeners: Array<{ tenant: string; resolve: () => void }> = [];
function nextWake(forTenant: string): Promise<void> {
  return new Promise((resolve) => wakeListeners.push({ tenant: forTenant, resolve }));
}

const call = async (method: string, path: string, token: string, body?: unknown) => {
  const response = await harness.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};
const base = `/v1/tenants/${tenant}`;

const slipwayYaml = `
services:
  web:
    build: {}
    port: 8080
  api:
    image: ${localImage}
    port: 8080
    resources:
      cpu: 250m
      memory: 128Mi
  worker:
    image: ghcr.io/acme/worker:2
    port: 9000
    visibility: internal
`;

async function releasesOf(service: string): Promise<Release[]> {
  const page = await call('GET', `${base}/releases?environment=production&service=${service}`, tokens.viewer);
  expect(page.status).toBe(200);
  return page.body.items;
}

beforeAll(async () => {
  harness = await startHarness({
    REDIS_URL: redisUrl,
    SLIPWAY_REDIS_PREFIX: prefix,
    SLIPWAY_RATE_LIMIT_PER_MINUTE: '100000',
    SLIPWAY_REGISTRY: registryAddress,
  });
  redis = new Redis(redisUrl);
  subscriber = new Redis(redisUrl);
  await subscriber.subscribe(schedulerWakeChannel(prefix));
  subscriber.on('message', (_channel, message: string) => {
    const { tenant: woken } = JSON.parse(message) as { tenant: string };
    for (const listener of wakeListeners.splice(0)) {
      if (listener.tenant === woken) listener.resolve();
      else wakeListeners.push(listener);
    }
  });
  const [viewer, developer, owner, otherOwner] = await Promise.all([
    makeUser(harness, 'vera'),
    makeUser(harness, 'dan'),
    makeUser(harness, 'olga'),
    makeUser(harness, 'xena'),
  ]);
  await makeTenant(harness, tenant, [
    { user: viewer.id, role: 'viewer' },
    { user: developer.id, role: 'developer' },
    { user: owner.id, role: 'owner' },
  ]);
  await makeTenant(harness, other, [{ user: otherOwner.id, role: 'owner' }]);
  tokens.viewer = (await makeToken(harness, viewer.id, { tenant, role: 'viewer' })).token;
  tokens.developer = (await makeToken(harness, developer.id, { tenant, role: 'developer' })).token;
  tokens.owner = (await makeToken(harness, owner.id, { tenant, role: 'owner' })).token;
  tokens.otherOwner = (await makeToken(harness, otherOwner.id, { tenant: other, role: 'owner' })).token;
  // ghcr.io images are allowed for this tenant; the platform's registry always is.
  await harness.controller.services.policies.update(
    tenant,
    { permissions: { allowedRegistries: ['ghcr.io'] } },
    { by: 'test', now: harness.clock.now },
  );
  pushedDigest = await pushTinyImage({ address: registryAddress, repository: `${tenant}/api`, tag: 'v1' });
});

afterAll(async () => {
  await harness.close();
  await registry.deleteRepository({ tenant, service: 'api' });
  await registry.close();
  await cleanupRedis(redis, prefix);
  subscriber.disconnect();
  redis.disconnect();
});

describe('POST /v1/tenants/:tenant/services', () => {
  it('creates services from slipway.yaml: build services wait for a build, image services get a release', async () => {
    const woke = nextWake(tenant);
    const created = await call('POST', `${base}/services`, tokens.developer, {
      slipwayYaml,
      repo: 'acme/shop',
    });
    expect(created.status).toBe(201);
    await woke;
    const byName = new Map<string, Service>(created.body.items.map((s: Service) => [s.name, s]));
    expect([...byName.keys()].sort()).toEqual(['api', 'web', 'worker']);
    expect(byName.get('web')).toMatchObject({
      tenant,
      environment: 'production',
      source: { kind: 'build', repo: 'acme/shop', path: '.', dockerfile: 'Dockerfile', builder: 'native' },
      release: null,
    });
    const api = byName.get('api')!;
    expect(api).toMatchObject({ resources: { cpuMillicores: 250, memoryMiB: 128 }, replicas: 1 });
    const [apiRelease] = await releasesOf('api');
    expect(apiRelease).toMatchObject({
      id: api.release,
      image: localImage,
      digest: pushedDigest,
      commit: null,
      buildId: null,
      config: { port: 8080, resources: { cpuMillicores: 250, memoryMiB: 128 } },
    });
    const [workerRelease] = await releasesOf('worker');
    expect(workerRelease).toMatchObject({
      id: byName.get('worker')!.release,
      image: 'ghcr.io/acme/worker:2',
      digest: null,
    });
    expect(await releasesOf('web')).toEqual([]);
  });

  it('refuses a service that exists (409) and writes nothing', async () => {
    const again = await call('POST', `${base}/services`, tokens.developer, {
      slipwayYaml,
      repo: 'acme/shop',
      services: ['api'],
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('production/api');
    expect(await releasesOf('api')).toHaveLength(1);
  });

  it('answers malformed slipway.yaml with the parser’s line and field', async () => {
    const bad = await call('POST', `${base}/services`, tokens.developer, {
      slipwayYaml: 'services:\n  web:\n    image: nginx:1.27\n    port: eighty\n',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([
      {
        path: 'body.slipwayYaml.services.web.port',
        message: expect.stringMatching(/^services\.web\.port: expected a number .*\(line 4, column 11\)$/),
      },
    ]);
  });

  it('asks for the repository of build services', async () => {
    const bad = await call('POST', `${base}/services`, tokens.developer, {
      slipwayYaml: 'services:\n  site:\n    build: {}\n    port: 80\n',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([{ path: 'body.repo', message: expect.any(String) }]);
  });

  it('creates one image service from the short form, with slipway.yaml’s units and messages', async () => {
    const invalid = await call('POST', `${base}/services`, tokens.developer, {
      name: 'cache',
      image: 'ghcr.io/acme/cache:7',
      port: 6379,
      memory: 'lots',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.fields).toEqual([
      {
        path: 'body.memory',
        message: expect.stringMatching(/^expected a memory size like '512Mi'.*got 'lots'$/),
      },
    ]);

    const woke = nextWake(tenant);
    const created = await call('POST', `${base}/services`, tokens.developer, {
      name: 'cache',
      image: 'ghcr.io/acme/cache:7',
      port: 6379,
      replicas: 2,
      cpu: '500m',
      memory: '256Mi',
      env: { MODE: 'lru' },
      visibility: 'internal',
    });
    expect(created.status).toBe(201);
    await woke;
    expect(created.body.items).toEqual([
      expect.objectContaining({
        name: 'cache',
        environment: 'production',
        source: { kind: 'image', image: 'ghcr.io/acme/cache:7' },
        replicas: 2,
        resources: { cpuMillicores: 500, memoryMiB: 256 },
        env: { MODE: 'lru' },
        health: { path: '/', intervalMs: 10_000, timeoutMs: 5000 },
        release: expect.stringMatching(/^img-/),
      }),
    ]);
  });

  it('refuses another tenant’s image in the platform registry, whatever the registries allowed', async () => {
    const refused = await call('POST', `${base}/services`, tokens.developer, {
      name: 'borrowed',
      image: '127.0.0.1:5000/globex/web:v1',
      port: 8080,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'policy_denied',
      fields: [
        { path: 'body.image', message: expect.stringContaining(`not in tenant ${tenant}'s repositories`) },
      ],
    });
  });

  it('refuses what the policy does not allow, naming each limit, and writes nothing', async () => {
    const tooMany = await call('POST', `${base}/services`, tokens.developer, {
      name: 'big',
      image: 'ghcr.io/acme/big:1',
      port: 80,
      replicas: 12,
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('policy_denied');
    expect(tooMany.body.error.message).toContain('limits.replicasPerService');
    expect(tooMany.body.error.fields).toEqual([
      { path: 'body.replicas', message: expect.stringContaining('limits.replicasPerService = 10') },
    ]);

    const heavy = await call('POST', `${base}/services`, tokens.developer, {
      name: 'big',
      image: 'ghcr.io/acme/big:1',
      port: 80,
      replicas: 8,
      cpu: 2.5,
      memory: '5Gi',
    });
    expect(heavy.status).toBe(400);
    expect(heavy.body.error.fields).toEqual([
      { path: 'body.cpu', message: expect.stringContaining('limits.cpuMillicores = 16000m') },
      { path: 'body.memory', message: expect.stringContaining('limits.memoryMiB = 32768 MiB') },
    ]);

    const fromYaml = await call('POST', `${base}/services`, tokens.developer, {
      slipwayYaml: 'services:\n  big:\n    image: ghcr.io/acme/big:1\n    port: 80\n    replicas: 11\n',
    });
    expect(fromYaml.status).toBe(400);
    expect(fromYaml.body.error.fields).toEqual([
      {
        path: 'body.slipwayYaml.services.big.replicas',
        message: expect.stringContaining('limits.replicasPerService'),
      },
    ]);

    expect((await call('GET', `${base}/services/production/big`, tokens.viewer)).status).toBe(404);
    expect(await releasesOf('big')).toEqual([]);
  });

  it('makes the same release again for the same image and config instead of another', async () => {
    const body = { name: 'echo', image: localImage, port: 8080 };
    const first = await call('POST', `${base}/services`, tokens.developer, body);
    expect(first.status).toBe(201);
    expect((await call('DELETE', `${base}/services/production/echo`, tokens.owner)).status).toBe(204);
    const second = await call('POST', `${base}/services`, tokens.developer, body);
    expect(second.status).toBe(201);
    expect(second.body.items[0].release).toBe(first.body.items[0].release);
    expect(await releasesOf('echo')).toEqual([expect.objectContaining({ digest: pushedDigest })]);
  });
});

describe('POST /v1/tenants/:tenant/services/:environment/:service/scale', () => {
  it('scales within the policy and wakes the scheduler', async () => {
    const woke = nextWake(tenant);
    const scaled = await call('POST', `${base}/services/production/api/scale`, tokens.developer, {
      replicas: 3,
    });
    expect(scaled.status).toBe(200);
    expect(scaled.body).toMatchObject({ name: 'api', replicas: 3 });
    await woke;
  });

  it('refuses replicas over the policy and keeps the service as it was', async () => {
    const over = await call('POST', `${base}/services/production/api/scale`, tokens.developer, {
      replicas: 11,
    });
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({
      code: 'policy_denied',
      fields: [{ path: 'body.replicas', message: expect.stringContaining('limits.replicasPerService') }],
    });
    const current = await call('GET', `${base}/services/production/api`, tokens.viewer);
    expect(current.body.replicas).toBe(3);
  });

  it('answers 404 for a service the tenant does not have, and 400 for negative replicas', async () => {
    const unknown = await call('POST', `${base}/services/production/nope/scale`, tokens.developer, {
      replicas: 1,
    });
    expect(unknown.status).toBe(404);
    const negative = await call('POST', `${base}/services/production/api/scale`, tokens.developer, {
      replicas: -1,
    });
    expect(negative.status).toBe(400);
    expect(negative.body.error.fields).toEqual([{ path: 'body.replicas', message: expect.any(String) }]);
  });
});

describe('GET services and allocations', () => {
  const at = '2025-11-26T08:00:00.000Z';
  const placement: ServicePlacement = {
    release: 'r-1',
    replicas: 3,
    placed: 2,
    unplaced: [{ service: 'api', environment: 'production', slot: 2, reason: 'no host has 250m cpu free' }],
    at,
  };
  const spec = (allocation: string, service: string, slot: number) => ({
    allocation,
    tenant,
    service,
    environment: 'production',
    release: 'r-1',
    slot,
    image: `${localImage.replace(/:v1$/, '')}@${'sha256:'.padEnd(71, 'a')}`,
  });

  beforeAll(async () => {
    const { scheduler, hosts } = harness.controller.services;
    await scheduler!.write(tenant, new Map([['production/api', placement]]));
    const fence = { family: `${prefix}-scheduler`, epoch: 1 };
    for (const [host, allocations] of [
      ['h-1', [spec('a-api-0', 'api', 0), spec('a-worker-0', 'worker', 0)]],
      ['h-2', [spec('a-api-1', 'api', 1)]],
    ] as const) {
      await writeDesired({
        repository: hosts.desired,
        redis,
        prefix,
        fence,
        document: { tenant, host, allocations: [...allocations] },
        expectedEtag: null,
      });
    }
    await hosts.status!.recordHeartbeat({
      tenant,
      host: 'h-1',
      at,
      allocations: [{ allocation: 'a-api-0', state: 'running', containerId: 'c-0', message: null, at }],
    });
  });

  it('lists the services with the scheduler’s placement (null where it has none)', async () => {
    const list = await call('GET', `${base}/services`, tokens.viewer);
    expect(list.status).toBe(200);
    const byName = new Map(
      list.body.items.map((s: Service & { placement: unknown }) => [s.name, s.placement]),
    );
    expect(byName.get('api')).toEqual(placement);
    expect(byName.get('web')).toBeNull();
    const staging = await call('GET', `${base}/services?environment=staging`, tokens.viewer);
    expect(staging.body.items).toEqual([]);
  });

  it('shows one service with its placement and allocations joined with observed state', async () => {
    const api = await call('GET', `${base}/services/production/api`, tokens.viewer);
    expect(api.status).toBe(200);
    expect(api.body.placement).toEqual(placement);
    expect(api.body.allocations).toEqual([
      {
        allocation: 'a-api-0',
        service: 'api',
        environment: 'production',
        release: 'r-1',
        slot: 0,
        host: 'h-1',
        observed: { state: 'running', containerId: 'c-0', message: null, at },
      },
      {
        allocation: 'a-api-1',
        service: 'api',
        environment: 'production',
        release: 'r-1',
        slot: 1,
        host: 'h-2',
        observed: null,
      },
    ]);
    const web = await call('GET', `${base}/services/production/web`, tokens.viewer);
    expect(web.body).toMatchObject({ name: 'web', placement: null, allocations: [] });
  });

  it('lists the tenant’s allocations across services, filtered by environment, service and host', async () => {
    const all = await call('GET', `${base}/allocations`, tokens.viewer);
    expect(all.status).toBe(200);
    expect(all.body.items.map((a: { allocation: string }) => a.allocation)).toEqual([
      'a-api-0',
      'a-api-1',
      'a-worker-0',
    ]);
    const onH2 = await call('GET', `${base}/allocations?host=h-2`, tokens.viewer);
    expect(onH2.body.items.map((a: { allocation: string }) => a.allocation)).toEqual(['a-api-1']);
    const workers = await call(
      'GET',
      `${base}/allocations?service=worker&environment=production`,
      tokens.viewer,
    );
    expect(workers.body.items).toEqual([
      expect.objectContaining({ allocation: 'a-worker-0', host: 'h-1', observed: null }),
    ]);
    const staging = await call('GET', `${base}/allocations?environment=staging`, tokens.viewer);
    expect(staging.body.items).toEqual([]);
    expect(await harness.controller.services.hosts.desired.get(desiredKey(tenant, 'h-3'))).toBeUndefined();
    const noHost = await call('GET', `${base}/allocations?host=h-3`, tokens.viewer);
    expect(noHost.body.items).toEqual([]);
  });
});

describe('DELETE /v1/tenants/:tenant/services/:environment/:service', () => {
  it('is for owners only', async () => {
    const asDeveloper = await call('DELETE', `${base}/services/production/worker`, tokens.developer);
    expect(asDeveloper.status).toBe(403);
  });

  it('deletes the service, keeps its releases, and wakes the scheduler', async () => {
    const releases = await releasesOf('worker');
    const woke = nextWake(tenant);
    expect((await call('DELETE', `${base}/services/production/worker`, tokens.owner)).status).toBe(204);
    await woke;
    expect((await call('GET', `${base}/services/production/worker`, tokens.viewer)).status).toBe(404);
    expect(await releasesOf('worker')).toEqual(releases);
    expect((await call('DELETE', `${base}/services/production/worker`, tokens.owner)).status).toBe(404);
  });
});

describe('another tenant', () => {
  it('sees none of this tenant’s services: 404 everywhere', async () => {
    const as = tokens.otherOwner;
    expect((await call('GET', `${base}/services`, as)).status).toBe(404);
    expect((await call('GET', `${base}/services/production/api`, as)).status).toBe(404);
    expect((await call('GET', `${base}/allocations`, as)).status).toBe(404);
    expect((await call('POST', `${base}/services/production/api/scale`, as, { replicas: 1 })).status).toBe(
      404,
    );
    expect((await call('DELETE', `${base}/services/production/api`, as)).status).toBe(404);
    expect((await call('GET', `/v1/tenants/${other}/services/production/api`, as)).status).toBe(404);
    const theirs = await call('GET', `/v1/tenants/${other}/services`, as);
    expect(theirs).toEqual({ status: 200, body: { items: [] } });
  });
});
