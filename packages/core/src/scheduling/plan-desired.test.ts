import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Release } from '../domain/release.js';
import type { Service } from '../domain/service.js';
import type { AllocationSpec } from './agent-actions.js';
import { type DesiredPlanInput, planDesired } from './plan-desired.js';
import { host, roomyPolicy, TENANT } from './scheduling-fixtures.js';

function release(id: string, service = 'web', memoryMiB = 256): Release {
  return {
    id,
    tenant: TENANT,
    service,
    environment: 'production',
    image: `127.0.0.1:5000/${TENANT}/${service}:${id}`,
    digest: `sha256:${'c'.repeat(64)}`,
    config: {
      port: 8080,
      resources: { cpuMillicores: 250, memoryMiB },
      health: { path: '/', intervalMs: 10_000, timeoutMs: 5000 },
      env: {},
      secrets: [],
    },
    commit: null,
    buildId: null,
    createdAt: '2026-11-26T00:00:00.000Z',
  };
}

function service(name: string, replicas: number, current: string | null): Service {
  return {
    tenant: TENANT,
    environment: 'production',
    name,
    source: { kind: 'image', image: `127.0.0.1:5000/${TENANT}/${name}:latest` },
    port: 8080,
    replicas,
    resources: { cpuMillicores: 250, memoryMiB: 256 },
    health: { path: '/', intervalMs: 10_000, timeoutMs: 5000 },
    env: {},
    secrets: [],
    domains: [],
    visibility: 'public',
    release: current,
  };
}

const hosts = [host('h-1', { zone: 'a' }), host('h-2', { zone: 'b' }), host('h-3', { zone: 'c' })];
const live = new Set(['h-1', 'h-2', 'h-3']);

function baseInput(overrides: Partial<DesiredPlanInput> = {}): DesiredPlanInput {
  return {
    tenant: TENANT,
    hosts,
    liveHosts: live,
    services: [service('web', 3, 'r-1')],
    releases: new Map([['r-1', release('r-1')]]),
    desired: new Map(),
    policy: roomyPolicy(),
    nowMs: Date.parse('2026-11-26T12:00:00.000Z'),
    ...overrides,
  };
}

const allOf = (plan: ReturnType<typeof planDesired>) =>
  [...plan.hosts].flatMap(([hostId, specs]) => specs.map((spec) => ({ host: hostId, ...spec })));

describe('planDesired', () => {
  it('spreads a released service over the live hosts, one spec per replica', () => {
    const plan = planDesired(baseInput());
    expect([...plan.hosts.values()].map((specs) => specs.length)).toEqual([1, 1, 1]);
    expect(
      allOf(plan)
        .map((a) => a.slot)
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(allOf(plan)[0]).toMatchObject({
      release: 'r-1',
      tenant: TENANT,
      image: expect.stringContaining('@sha256:'),
    });
    expect(plan.verdicts).toEqual([
      { environment: 'production', service: 'web', release: 'r-1', replicas: 3, placed: 3, unplaced: [] },
    ]);
  });

  it('is idempotent: planning again from what it wrote changes nothing', () => {
    const first = planDesired(baseInput());
    const again = planDesired(baseInput({ desired: first.hosts }));
    expect(again.hosts).toEqual(first.hosts);
  });

  it('places nothing for a service without a release, and says why', () => {
    const plan = planDesired(baseInput({ services: [service('web', 2, null)] }));
    expect(allOf(plan)).toEqual([]);
    expect(plan.verdicts[0]?.unplaced.map((u) => u.reason)).toEqual([
      'no release yet: the image has not been released',
      'no release yet: the image has not been released',
    ]);
  });

  it('moves the allocations of a silent host to the live ones and empties its list', () => {
    const first = planDesired(baseInput());
    const lostHost = allOf(first).find((a) => a.slot === 0)!.host;
    const plan = planDesired(
      baseInput({ desired: first.hosts, liveHosts: new Set([...live].filter((h) => h !== lostHost)) }),
    );
    expect(plan.hosts.get(lostHost)).toEqual([]);
    expect(
      allOf(plan)
        .map((a) => a.slot)
        .sort(),
    ).toEqual([0, 1, 2]);
    // The others stay where they were, with the same ids.
    const kept = allOf(first)
      .filter((a) => a.host !== lostHost)
      .map((a) => a.allocation);
    expect(allOf(plan).map((a) => a.allocation)).toEqual(expect.arrayContaining(kept));
  });

  it('replaces every allocation when the service has a new current release', () => {
    const first = planDesired(baseInput());
    const plan = planDesired(
      baseInput({
        desired: first.hosts,
        services: [service('web', 3, 'r-2')],
        releases: new Map([['r-2', release('r-2')]]),
      }),
    );
    expect(allOf(plan).map((a) => a.release)).toEqual(['r-2', 'r-2', 'r-2']);
  });

  it('keeps a slot written to two hosts once (a leader died between its writes)', () => {
    const first = planDesired(baseInput());
    const slot0 = allOf(first).find((a) => a.slot === 0)!;
    const elsewhere = hosts.map((h) => h.id).find((id) => id !== slot0.host)!;
    const desired = new Map(first.hosts);
    desired.set(elsewhere, [...(desired.get(elsewhere) ?? []), { ...slot0, allocation: 'web-0-duplicate' }]);
    const plan = planDesired(baseInput({ desired }));
    expect(allOf(plan).filter((a) => a.slot === 0)).toHaveLength(1);
    expect(allOf(plan)).toHaveLength(3);
  });

  it('drops what a deleted service ran and lists documents of removed hosts', () => {
    const first = planDesired(baseInput());
    const desired = new Map(first.hosts);
    desired.set('h-gone', []);
    const plan = planDesired(baseInput({ desired, services: [] }));
    expect(allOf(plan)).toEqual([]);
    expect(plan.orphaned).toEqual(['h-gone']);
  });

  it('reports the planner’s reason for replicas that do not fit', () => {
    const plan = planDesired(
      baseInput({
        hosts: [host('h-1', { mem: 512 })],
        liveHosts: new Set(['h-1']),
        releases: new Map([['r-1', release('r-1', 'web', 400)]]),
      }),
    );
    expect(plan.verdicts[0]).toMatchObject({ placed: 1, replicas: 3 });
    expect(plan.verdicts[0]?.unplaced[0]?.reason).toMatch(/needs 400 MiB/);
  });

  it('runs two releases side by side as a rollout’s composition says, each spread on its own', () => {
    const releases = new Map([
      ['r-1', release('r-1')],
      ['r-2', release('r-2')],
    ]);
    const first = planDesired(baseInput({ releases }));
    const plan = planDesired(
      baseInput({
        desired: first.hosts,
        releases,
        services: [service('web', 3, 'r-2')],
        compositions: new Map([['production/web', { 'r-1': 2, 'r-2': 1 }]]),
      }),
    );
    expect(
      allOf(plan)
        .map((a) => `${a.release}/${a.slot}`)
        .sort(),
    ).toEqual(['r-1/0', 'r-1/1', 'r-2/0']);
    // The kept old allocations did not move.
    const kept = allOf(first)
      .filter((a) => a.slot < 2)
      .map((a) => `${a.host} ${a.allocation}`);
    expect(allOf(plan).map((a) => `${a.host} ${a.allocation}`)).toEqual(expect.arrayContaining(kept));
    expect(plan.verdicts[0]).toMatchObject({ release: 'r-2', placed: 1 });
  });

  it('drains what leaves a live host for drainMs before removing it', () => {
    const nowMs = Date.parse('2026-11-26T12:00:00.000Z');
    const first = planDesired(baseInput());
    const scaled = { services: [service('web', 2, 'r-1')], drainMs: 5000 };
    const draining = planDesired(baseInput({ ...scaled, desired: first.hosts, nowMs }));
    expect(allOf(draining).filter((a) => a.drainingSince)).toEqual([
      expect.objectContaining({ slot: 2, drainingSince: '2026-11-26T12:00:00.000Z' }),
    ]);
    expect(draining.nextDrainEndMs).toBe(nowMs + 5000);
    // Still draining a moment later, unchanged; gone once the drain time is over.
    const later = planDesired(baseInput({ ...scaled, desired: draining.hosts, nowMs: nowMs + 4999 }));
    expect(later.hosts).toEqual(draining.hosts);
    const done = planDesired(baseInput({ ...scaled, desired: later.hosts, nowMs: nowMs + 5000 }));
    expect(
      allOf(done)
        .map((a) => a.slot)
        .sort(),
    ).toEqual([0, 1]);
    expect(done.nextDrainEndMs).toBeNull();
  });

  it('does not drain on a silent host: its allocations go at once', () => {
    const first = planDesired(baseInput());
    const lost = allOf(first)[0]!.host;
    const plan = planDesired(
      baseInput({
        desired: first.hosts,
        drainMs: 5000,
        liveHosts: new Set([...live].filter((h) => h !== lost)),
      }),
    );
    expect(plan.hosts.get(lost)).toEqual([]);
    expect(allOf(plan).some((a) => a.drainingSince)).toBe(false);
  });

  it('never runs a slot twice, never over a host’s memory, and converges in one step (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.subarray(['h-1', 'h-2', 'h-3']),
        fc.integer({ min: 0, max: 2 }),
        (replicas, silent, newRelease) => {
          const services = replicas.map((n, i) =>
            service(`s${i}`, n, i < newRelease ? `r-${i}-b` : `r-${i}`),
          );
          const releases = new Map<string, Release>();
          replicas.forEach((_, i) => {
            releases.set(`r-${i}`, release(`r-${i}`, `s${i}`, 1024));
            releases.set(`r-${i}-b`, release(`r-${i}-b`, `s${i}`, 1024));
          });
          const before = planDesired(
            baseInput({ services: replicas.map((n, i) => service(`s${i}`, n, `r-${i}`)), releases }),
          );
          const liveHosts = new Set([...live].filter((h) => !silent.includes(h)));
          const input = baseInput({ services, releases, desired: before.hosts, liveHosts });
          const plan = planDesired(input);
          const slots = allOf(plan).map((a) => `${a.service}/${a.slot}`);
          expect(new Set(slots).size).toBe(slots.length);
          for (const [hostId, specs] of plan.hosts) {
            const memory = specs.reduce((sum, s: AllocationSpec) => sum + s.resources.memoryMiB, 0);
            expect(memory).toBeLessThanOrEqual(8192);
            if (!liveHosts.has(hostId)) expect(specs).toEqual([]);
          }
          expect(planDesired({ ...input, desired: plan.hosts }).hosts).toEqual(plan.hosts);
        },
      ),
      { numRuns: 200 },
    );
  });
});
