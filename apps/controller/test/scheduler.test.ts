// The leader's scheduler and the deploy worker against real Redis and the local state store: a
// Release becomes desired allocations spread over the tenant's live hosts; scaling, deleting,
// host loss, deploy jobs and a leader's half-written plan all converge.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Host, Service } from '@slipway/core';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { createQueues, type DeployJob, type Queues } from '@slipway/queue';
import { hostKey, rolloutsPrefix, serviceKey } from '@slipway/state';
import { Redis } from 'ioredis';
import { desiredKey } from '../src/hosts/desired-allocations.js';
import { HostStatusStore } from '../src/hosts/host-status-store.js';
import { desiredPrefix } from '../src/scheduler/load-tenant.js';
import { type Harness, makeTenant, makeUser, startHarness } from './support/api-harness.js';
import { sampleRelease, sampleService } from './support/records.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniquePrefix('ctl-sched');
const graceMs = 1500;

let harness: Harness;
let redis: Redis;
let queues: Queues;
let status: HostStatusStore;
let tenant: string;
const alive = new Set<string>();
/** Releases whose containers the fake agents report as crashing. */
const failing = new Set<string>();
let beating: NodeJS.Timeout;

const host = (id: string, zone: string, memoryMiB = 4096): Host => ({
  id,
  tenant,
  capacity: { cpuMillicores: 4000, memoryMiB },
  labels: { zone, pool: 'default' },
  status: 'ready',
});

function service(name: string, replicas: number, release: string | null): Service {
  return sampleService({
    tenant,
    name,
    replicas,
    release,
    source: { kind: 'image', image: `127.0.0.1:5000/${tenant}/${name}:v1` },
  });
}

/** Reports each host alive, running (and healthy) every allocation it is asked to run — as a working agent does. */
async function heartbeat(ids: Iterable<string>) {
  const at = new Date().toISOString();
  await Promise.all(
    [...ids].map(async (id) => {
      const desired = await harness.controller.services.hosts.desired.get(desiredKey(tenant, id));
      const allocations = (desired?.value.allocations ?? []).map((a) => ({
        allocation: a.allocation,
        state: failing.has(a.release) ? ('exited' as const) : ('running' as const),
        containerId: null,
        message: failing.has(a.release) ? 'exited with code 1' : null,
        at,
      }));
      await status.recordHeartbeat({ tenant, host: id, at, allocations });
    }),
  );
}

/** host → [service/slot@release] of every desired document of the tenant. */
async function placement(): Promise<Map<string, string[]>> {
  const { documents } = await harness.controller.services.hosts.desired.scan(desiredPrefix(tenant));
  return new Map(
    documents.map((d) => [
      d.value.host,
      d.value.allocations.map((a) => `${a.service}/${a.slot}@${a.release}`).sort(),
    ]),
  );
}

const all = (p: Map<string, string[]>) => [...p.values()].flat().sort();

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  ms = 8000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T;
  do {
    last = await probe();
    if (ok(last)) return last;
    await sleep(50);
  } while (Date.now() < deadline);
  throw new Error(
    `timed out waiting for ${what}; last: ${JSON.stringify(last, (_k, v) => (v instanceof Map ? [...v] : v))}`,
  );
}

const wake = () => harness.controller.services.scheduler!.wake(tenant);

beforeAll(async () => {
  harness = await startHarness(
    { REDIS_URL: redisUrl, SLIPWAY_REDIS_PREFIX: prefix },
    { hosts: { heartbeatTtlMs: 20_000 }, scheduler: { graceMs, tickMs: 100, resyncMs: 60_000, drainMs: 0 } },
  );
  redis = new Redis(redisUrl);
  queues = createQueues({ connection: redis, prefix });
  status = new HostStatusStore({ redis, prefix, ttlMs: 20_000 });
  tenant = `sched-${prefix
    .slice(-6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
  const owner = await makeUser(harness, 'sam');
  await makeTenant(harness, tenant, [{ user: owner.id, role: 'owner' }]);
  for (const [id, zone] of [
    ['h-1', 'a'],
    ['h-2', 'b'],
    ['h-3', 'c'],
  ] as const) {
    await harness.controller.services.repos.hosts.create(host(id, zone));
    alive.add(id);
  }
  await heartbeat(alive);
  beating = setInterval(() => void heartbeat(alive).catch(() => undefined), 250);
  harness.controller.start();
});

afterAll(async () => {
  clearInterval(beating);
  await queues.close();
  await harness.close();
  await cleanupRedis(redis, prefix);
  redis.disconnect();
});

describe('the scheduler', () => {
  it('spreads a released service over the live hosts, and follows scaling 3 → 5 → 1', async () => {
    const { repos } = harness.controller.services;
    await repos.releases.create(
      sampleRelease({ tenant, id: 'r-web-1', createdAt: new Date().toISOString() }),
    );
    await repos.services.create(service('web', 3, 'r-web-1'));
    await wake();
    const spread = await until('3 replicas on 3 hosts', placement, (p) => all(p).length === 3);
    expect([...spread.values()].map((list) => list.length)).toEqual([1, 1, 1]);

    for (const replicas of [5, 1]) {
      await repos.services.update(serviceKey({ tenant, environment: 'production', name: 'web' }), (s) => ({
        ...s!,
        replicas,
      }));
      await wake();
      const placed = await until(`${replicas} replicas`, placement, (p) => all(p).length === replicas);
      expect(all(placed)).toEqual(
        Array.from({ length: replicas }, (_, slot) => `web/${slot}@r-web-1`).sort(),
      );
    }
    // The verdict is written after the placement it describes.
    const verdicts = await until(
      'the verdict of 1 replica',
      () => harness.controller.services.scheduler!.read(tenant),
      (v) => v.get('production/web')?.replicas === 1,
    );
    expect(verdicts.get('production/web')).toMatchObject({
      release: 'r-web-1',
      replicas: 1,
      placed: 1,
      unplaced: [],
    });
  });

  it('re-places a silent host’s allocations on the others after the grace, and empties its list', async () => {
    const { repos } = harness.controller.services;
    await repos.services.update(serviceKey({ tenant, environment: 'production', name: 'web' }), (s) => ({
      ...s!,
      replicas: 3,
    }));
    await wake();
    const before = await until('3 replicas', placement, (p) => all(p).length === 3);
    const victim = [...before].find(([, list]) => list.length > 0)![0];
    alive.delete(victim);
    const silentSince = Date.now();
    const after = await until(
      `${victim}'s allocations moved`,
      placement,
      (p) => (p.get(victim) ?? []).length === 0 && all(p).length === 3,
    );
    // The grace is waited out, and not much more (the tick is 100 ms).
    expect(Date.now() - silentSince).toBeGreaterThanOrEqual(graceMs - 300);
    expect(all(after)).toEqual(['web/0@r-web-1', 'web/1@r-web-1', 'web/2@r-web-1']);
    alive.add(victim);
    await heartbeat([victim]);
  });

  it('says why replicas that fit nowhere are not placed', async () => {
    const { repos } = harness.controller.services;
    await repos.releases.create(
      sampleRelease({
        tenant,
        id: 'r-big-1',
        service: 'big',
        createdAt: new Date().toISOString(),
        config: {
          ...sampleRelease({ tenant, id: 'x' }).config,
          resources: { cpuMillicores: 100, memoryMiB: 9000 },
        },
      }),
    );
    await repos.services.create(service('big', 1, 'r-big-1'));
    await wake();
    const verdict = await until(
      'a verdict for big',
      async () => (await harness.controller.services.scheduler!.read(tenant)).get('production/big'),
      (v) => v !== undefined,
    );
    expect(verdict).toMatchObject({ placed: 0, replicas: 1 });
    expect(verdict?.unplaced[0]?.reason).toMatch(/needs 9000 MiB, largest free is \d+ MiB on host h-\d/);
    await repos.services.delete(serviceKey({ tenant, environment: 'production', name: 'big' }));
  });

  it('keeps a slot once when a dying leader left it on two hosts', async () => {
    const { hosts } = harness.controller.services;
    const before = await until('3 replicas', placement, (p) => all(p).length === 3);
    const [from, to] = [...before.keys()].filter((h) => (before.get(h) ?? []).length > 0);
    const source = (await hosts.desired.get(desiredKey(tenant, from!)))!;
    const target = (await hosts.desired.get(desiredKey(tenant, to!)))!;
    const copy = { ...source.value.allocations[0]!, allocation: 'web-copied-by-a-dead-leader' };
    await hosts.desired.replace(
      { ...target.value, allocations: [...target.value.allocations, copy] },
      { ifMatch: target.etag },
    );
    await wake();
    const after = await until('the copy gone', placement, (p) => all(p).length === 3);
    expect(all(after)).toEqual(['web/0@r-web-1', 'web/1@r-web-1', 'web/2@r-web-1']);
  });

  it('deletes the desired document of a removed host and re-places what it ran', async () => {
    const { repos, hosts } = harness.controller.services;
    await repos.hosts.create(host('h-4', 'd'));
    alive.add('h-4');
    await heartbeat(['h-4']);
    await wake();
    await until('h-4 has a document', placement, (p) => p.has('h-4'));
    await repos.hosts.delete(hostKey({ tenant, id: 'h-4' }));
    alive.delete('h-4');
    await wake();
    await until('h-4’s document gone', placement, (p) => !p.has('h-4') && all(p).length === 3);
    expect(await hosts.desired.get(desiredKey(tenant, 'h-4'))).toBeUndefined();
  });

  it('removes every allocation of a deleted service', async () => {
    const { repos } = harness.controller.services;
    await repos.services.delete(serviceKey({ tenant, environment: 'production', name: 'web' }));
    await wake();
    const after = await until('nothing placed', placement, (p) => all(p).length === 0);
    expect([...after.keys()].sort()).toEqual(['h-1', 'h-2', 'h-3']);
    expect((await harness.controller.services.scheduler!.read(tenant)).has('production/web')).toBe(false);
  });
});

describe('the deploy worker', () => {
  const job = (fields: Partial<DeployJob> & Pick<DeployJob, 'service' | 'releaseId'>): DeployJob => ({
    tenant,
    environment: 'production',
    commit: 'a'.repeat(40),
    ref: 'refs/heads/main',
    installationId: 1,
    repository: { id: 1, fullName: 'acme/shop' },
    deliveryId: `d-${fields.releaseId}`,
    serviceDefaults: {
      source: {
        kind: 'build',
        repo: 'acme/shop',
        path: '.',
        dockerfile: 'Dockerfile',
        args: {},
        builder: 'native',
      },
      replicas: 2,
      domains: [],
      visibility: 'internal',
    },
    ...fields,
  });

  it('creates the service of a first release from slipway.yaml’s defaults and places it', async () => {
    const { repos } = harness.controller.services;
    await repos.releases.create(
      sampleRelease({ tenant, id: 'r-api-1', service: 'api', createdAt: new Date().toISOString() }),
    );
    await queues.deploys.add('deploy', job({ service: 'api', releaseId: 'r-api-1' }), { jobId: 'r-api-1' });
    const placed = await until(
      'api placed',
      placement,
      (p) => all(p).filter((a) => a.startsWith('api/')).length === 2,
    );
    expect(all(placed)).toEqual(['api/0@r-api-1', 'api/1@r-api-1']);
    const stored = await repos.services.get(serviceKey({ tenant, environment: 'production', name: 'api' }));
    expect(stored?.value).toMatchObject({
      replicas: 2,
      visibility: 'internal',
      release: 'r-api-1',
      source: { repo: 'acme/shop' },
    });
  });

  it('moves the service to a newer release, replacing its allocations, and ignores an older one', async () => {
    const { repos } = harness.controller.services;
    await repos.releases.create(
      sampleRelease({ tenant, id: 'r-api-2', service: 'api', createdAt: new Date().toISOString() }),
    );
    await repos.releases.create(
      sampleRelease({ tenant, id: 'r-api-0', service: 'api', createdAt: '2020-01-01T00:00:00.000Z' }),
    );
    await queues.deploys.add('deploy', job({ service: 'api', releaseId: 'r-api-2' }), { jobId: 'r-api-2' });
    await until('api on r-api-2', placement, (p) => all(p).join() === 'api/0@r-api-2,api/1@r-api-2');
    const older = await queues.deploys.add('deploy', job({ service: 'api', releaseId: 'r-api-0' }), {
      jobId: 'r-api-0',
    });
    await until(
      'the older deploy done',
      async () => (await older.isCompleted()) || (await older.isFailed()),
      Boolean,
    );
    expect((await queues.deploys.getJob('r-api-0'))?.returnvalue).toEqual({ outcome: 'older' });
    expect(all(await placement())).toEqual(['api/0@r-api-2', 'api/1@r-api-2']);
  });

  it('refuses a deploy the tenant’s policy forbids, naming the limit, and changes nothing', async () => {
    const { repos } = harness.controller.services;
    await repos.releases.create(
      sampleRelease({ tenant, id: 'r-wide-1', service: 'wide', createdAt: new Date().toISOString() }),
    );
    const base = job({ service: 'wide', releaseId: 'r-wide-1' });
    const added = await queues.deploys.add(
      'deploy',
      { ...base, serviceDefaults: { ...base.serviceDefaults!, replicas: 50 } },
      { jobId: 'r-wide-1' },
    );
    await until('the deploy failed', () => added.isFailed(), Boolean);
    const failed = await queues.deploys.getJob('r-wide-1');
    expect(failed?.failedReason).toMatch(/limits\.replicasPerService/);
    expect(failed?.attemptsMade).toBe(1);
    expect(
      await repos.services.get(serviceKey({ tenant, environment: 'production', name: 'wide' })),
    ).toBeUndefined();
  });
});

describe('rollouts', () => {
  const rollouts = async (service: string) =>
    (
      await harness.controller.services.repos.rollouts.scan(rolloutsPrefix(tenant, 'production', service))
    ).documents
      .map((d) => d.value)
      .sort((a, b) => (a.id < b.id ? -1 : 1));

  it('rolls a new release out one replica at a time, never below the replicas asked for', async () => {
    const { repos } = harness.controller.services;
    const key = serviceKey({ tenant, environment: 'production', name: 'api' });
    await repos.services.update(key, (s) => ({ ...s!, replicas: 3 }));
    await wake();
    await until('3 api replicas', placement, (p) => all(p).filter((a) => a.startsWith('api/')).length === 3);
    await repos.releases.create(
      sampleRelease({ tenant, id: 'r-api-3', service: 'api', createdAt: new Date().toISOString() }),
    );
    await repos.services.update(key, (s) => ({ ...s!, release: 'r-api-3' }));
    await wake();
    const seen: string[][] = [];
    await until(
      'api on r-api-3 only',
      async () => {
        const now = all(await placement()).filter((a) => a.startsWith('api/'));
        seen.push(now);
        return now;
      },
      (now) => now.length === 3 && now.every((a) => a.endsWith('@r-api-3')),
    );
    for (const snapshot of seen) {
      expect(snapshot.length).toBeGreaterThanOrEqual(3); // capacity never drops (maxUnavailable 0)
      // One at a time (25% surge of 3); a pass that stops one and starts the next writes the
      // gaining host before the losing one, so a reader between the two writes sees one more.
      expect(snapshot.length).toBeLessThanOrEqual(5);
    }
    const [latest] = (await rollouts('api')).slice(-1);
    expect(latest).toMatchObject({ fromRelease: 'r-api-2', toRelease: 'r-api-3', status: 'succeeded' });
    expect(
      latest?.steps.map((step) => `${step.action} ${step.release} ${step.replicas} ${step.status}`),
    ).toEqual([
      'start r-api-3 1 done',
      'wait-healthy r-api-3 1 done',
      'stop r-api-2 1 done',
      'start r-api-3 1 done',
      'wait-healthy r-api-3 2 done',
      'stop r-api-2 1 done',
      'start r-api-3 1 done',
      'wait-healthy r-api-3 3 done',
      'stop r-api-2 1 done',
    ]);
  });

  it('rolls back a release whose replicas crash, keeps the old one serving, and says why', async () => {
    const { repos } = harness.controller.services;
    const key = serviceKey({ tenant, environment: 'production', name: 'api' });
    failing.add('r-api-bad');
    await repos.releases.create(
      sampleRelease({ tenant, id: 'r-api-bad', service: 'api', createdAt: new Date().toISOString() }),
    );
    await repos.services.update(key, (s) => ({ ...s!, release: 'r-api-bad' }));
    await wake();
    const rolledBack = await until(
      'the rollout to fail',
      async () => (await rollouts('api')).at(-1),
      (r) => r?.toRelease === 'r-api-bad' && r.status === 'failed',
    );
    expect(rolledBack?.reason).toMatch(/exited — exited with code 1/);
    expect(rolledBack?.steps.some((step) => step.phase === 'rollback')).toBe(true);
    const after = await until('api back on r-api-3', placement, (p) =>
      all(p)
        .filter((a) => a.startsWith('api/'))
        .every((a) => a.endsWith('@r-api-3')),
    );
    expect(all(after).filter((a) => a.startsWith('api/'))).toHaveLength(3);
    failing.delete('r-api-bad');
  });

  it('reports each change of a rollout of a release from GitHub on the deploy-feedback queue, for the GitHub App', async () => {
    const { repos } = harness.controller.services;
    const origin = {
      installationId: 77,
      repository: { id: 8, fullName: 'acme/shop' },
      ref: 'refs/heads/main',
    };
    const built = sampleRelease({
      tenant,
      id: 'r-shop-1',
      service: 'shop',
      createdAt: new Date().toISOString(),
      origin,
    });
    await repos.releases.create(built);
    await repos.services.create(service('shop', 2, 'r-shop-1'));
    await wake();
    const [rollout] = await until(
      'the shop rollout to succeed',
      () => rollouts('shop'),
      (list) => list.at(-1)?.status === 'succeeded',
    );
    const jobs = await until(
      'the completed feedback job',
      async () => (await queues.deployFeedback.getJobs(['waiting'])).map((job) => job.data),
      (list) => list.some((job) => job.rolloutId === rollout!.id && job.status === 'completed'),
    );
    const shop = jobs.filter((job) => job.rolloutId === rollout!.id).sort((a, b) => a.sequence - b.sequence);
    expect(shop.at(-1)).toEqual({
      tenant,
      environment: 'production',
      service: 'shop',
      rolloutId: rollout!.id,
      installationId: 77,
      repository: { id: 8, fullName: 'acme/shop' },
      commit: built.commit,
      status: 'completed',
      conclusion: 'success',
      title: 'Deployed release r-shop-1 (2 replicas)',
      summary: expect.stringContaining(`**Live at** http://shop.${tenant}.localhost:8080`),
      startedAt: rollout!.createdAt,
      completedAt: rollout!.finishedAt,
      sequence: expect.any(Number),
      url: `http://shop.${tenant}.localhost:8080`,
    });
    // Every written state is one job named after its sequence; earlier ones were in progress.
    for (const job of shop) {
      expect((await queues.deployFeedback.getJob(`${tenant}.${rollout!.id}.${job.sequence}`))?.data).toEqual(
        job,
      );
    }
    expect(shop.slice(0, -1).every((job) => job.status === 'in_progress')).toBe(true);
    // Releases that did not come from GitHub (the api rollouts above) are not reported.
    expect(jobs.filter((job) => job.service !== 'shop')).toEqual([]);
  });
});
