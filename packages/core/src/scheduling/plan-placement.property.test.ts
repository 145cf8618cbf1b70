import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Host } from '../domain/host.js';
import { Placement } from './placement.js';
import type { PlacementInput, PlacementPlan, WantedService } from './placement-types.js';
import { planPlacement } from './plan-placement.js';
import { host, input, TENANT, wanted } from './scheduling-fixtures.js';

const hostArb = (index: number) =>
  fc
    .record({
      cpu: fc.integer({ min: 200, max: 4000 }),
      mem: fc.integer({ min: 128, max: 4096 }),
      zone: fc.constantFrom('a', 'b', 'c'),
      status: fc.constantFrom<Host['status']>('ready', 'ready', 'ready', 'draining', 'lost'),
      tenant: fc.constantFrom(TENANT, TENANT, TENANT, 'globex'),
    })
    .map((options) => host(`h-${index}`, options));

const hostsArb = fc
  .integer({ min: 0, max: 10 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => hostArb(i))));

const servicesArb = fc
  .uniqueArray(
    fc.record({
      name: fc.constantFrom('web', 'api', 'worker', 'cron', 'db'),
      replicas: fc.integer({ min: 0, max: 6 }),
      cpu: fc.integer({ min: 50, max: 1500 }),
      mem: fc.integer({ min: 64, max: 1500 }),
    }),
    { selector: (s) => s.name, maxLength: 5 },
  )
  .map((list) => list.map((s) => wanted(s.name, s.replicas, { cpu: s.cpu, mem: s.mem })));

/** The state after a first plan: some hosts change status, services rescale (same sizes). */
const replanArb = fc.record({
  hosts: hostsArb,
  services: servicesArb,
  statusChanges: fc.array(fc.constantFrom<Host['status'] | null>(null, null, 'ready', 'draining', 'lost'), {
    maxLength: 10,
  }),
  replicaChanges: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 5 }),
});

function changed(
  hosts: Host[],
  services: WantedService[],
  statusChanges: (Host['status'] | null)[],
  replicaChanges: number[],
) {
  return {
    hosts: hosts.map((h, i) => ({ ...h, status: statusChanges[i] ?? h.status })),
    services: services.map((s, i) => ({ ...s, replicas: replicaChanges[i] ?? s.replicas })),
  };
}

const resourcesOf = (args: PlacementInput) =>
  new Map(args.services.map((s) => [`${s.environment}/${s.service}`, s.resources]));

/** Used cpu and memory per host id. */
function usage(args: PlacementInput, plan: PlacementPlan) {
  const resources = resourcesOf(args);
  const used = new Map<string, { cpu: number; mem: number }>();
  for (const a of plan.allocations) {
    const r = resources.get(`${a.environment}/${a.service}`)!;
    const u = used.get(a.host) ?? { cpu: 0, mem: 0 };
    used.set(a.host, { cpu: u.cpu + r.cpuMillicores, mem: u.mem + r.memoryMiB });
  }
  return used;
}

/** The invariants every plan keeps. */
function checkPlan(args: PlacementInput, plan: PlacementPlan) {
  const hosts = new Map(args.hosts.map((h) => [h.id, h]));
  const previous = new Map(args.allocations.map((a) => [a.id, a]));
  const used = usage(args, plan);
  const resources = resourcesOf(args);

  // Capacity is never exceeded.
  for (const [id, u] of used) {
    const h = hosts.get(id)!;
    expect(u.cpu).toBeLessThanOrEqual(h.capacity.cpuMillicores);
    expect(u.mem).toBeLessThanOrEqual(h.capacity.memoryMiB);
  }
  for (const a of plan.allocations) {
    const h = hosts.get(a.host)!;
    // Only the tenant's hosts; new allocations only on ready ones, kept ones on ready or draining.
    expect(h.tenant).toBe(TENANT);
    const kept = previous.get(a.id);
    if (kept) {
      expect(kept.host).toBe(a.host);
      expect(['ready', 'draining']).toContain(h.status);
    } else {
      expect(h.status).toBe('ready');
    }
  }
  // Every wanted slot is placed or unplaced with a reason, exactly once.
  const wantedSlots = args.services.flatMap((s) =>
    Array.from({ length: s.replicas }, (_, slot) => `${s.environment}/${s.service}/${slot}`),
  );
  const accounted = [...plan.allocations, ...plan.unplaced].map(
    (a) => `${a.environment}/${a.service}/${a.slot}`,
  );
  expect(accounted.sort()).toEqual(wantedSlots.sort());
  for (const u of plan.unplaced) expect(u.reason.length).toBeGreaterThan(10);

  const roomFor = (hostId: string, need: { cpuMillicores: number; memoryMiB: number }) => {
    const h = hosts.get(hostId)!;
    const u = used.get(hostId) ?? { cpu: 0, mem: 0 };
    return (
      h.capacity.cpuMillicores - u.cpu >= need.cpuMillicores && h.capacity.memoryMiB - u.mem >= need.memoryMiB
    );
  };
  const eligible = args.hosts.filter((h) => h.tenant === TENANT && h.status === 'ready').map((h) => h.id);
  // Unplaced for want of room only when no eligible host has room for it.
  for (const u of plan.unplaced.filter((x) => x.reason.startsWith('needs'))) {
    const need = resources.get(`${u.environment}/${u.service}`)!;
    expect(eligible.filter((id) => roomFor(id, need))).toEqual([]);
  }
  // Spread: a host holding 2+ new-or-kept replicas of a service, one of them new, means no
  // eligible host without a replica of it had room.
  for (const s of args.services) {
    const mine = plan.allocations.filter((a) => a.service === s.service && a.environment === s.environment);
    const perHost = new Map<string, number>();
    for (const a of mine) perHost.set(a.host, (perHost.get(a.host) ?? 0) + 1);
    const crowdedWithNew = [...perHost].some(
      ([id, n]) => n >= 2 && mine.some((a) => a.host === id && !previous.has(a.id)),
    );
    if (crowdedWithNew) {
      const empty = eligible.filter((id) => !perHost.has(id) && roomFor(id, s.resources));
      expect(empty).toEqual([]);
    }
  }
}

describe('planPlacement (properties)', () => {
  it('keeps capacity, tenancy, readiness, accounting and spread, from scratch and on a replan', () => {
    fc.assert(
      fc.property(replanArb, ({ hosts, services, statusChanges, replicaChanges }) => {
        const firstInput = input(hosts, services);
        const first = planPlacement(firstInput);
        checkPlan(firstInput, first);
        const next = changed(hosts, services, statusChanges, replicaChanges);
        const secondInput = input(next.hosts, next.services, first.allocations);
        const second = planPlacement(secondInput);
        checkPlan(secondInput, second);
        // Stability: every allocation whose slot is still wanted and whose host is still healthy stays.
        for (const a of first.allocations) {
          const h = next.hosts.find((x) => x.id === a.host)!;
          const s = next.services.find((x) => x.service === a.service)!;
          if (a.slot < s.replicas && (h.status === 'ready' || h.status === 'draining')) {
            expect(second.allocations).toContainEqual(a);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic, whatever the order of its input', () => {
    fc.assert(
      fc.property(replanArb, ({ hosts, services, statusChanges, replicaChanges }) => {
        const first = planPlacement(input(hosts, services));
        const next = changed(hosts, services, statusChanges, replicaChanges);
        const a = planPlacement(input(next.hosts, next.services, first.allocations));
        const b = planPlacement(
          input([...next.hosts].reverse(), [...next.services].reverse(), [...first.allocations].reverse()),
        );
        expect(b).toEqual(a);
        expect(planPlacement(input(next.hosts, next.services, first.allocations))).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it('replanning one rescaled service incrementally gives what a full replan gives', () => {
    fc.assert(
      fc.property(
        hostsArb,
        servicesArb.filter((s) => s.length > 0),
        fc.nat(),
        fc.integer({ min: 0, max: 6 }),
        (hosts, services, pick, replicas) => {
          const placement = new Placement(input(hosts, services));
          fc.pre(placement.initial.unplaced.length === 0);
          const target = services[pick % services.length]!;
          const previous = placement.initial.allocations;
          placement.replanService({ ...target, replicas });
          const after = services.map((s) => (s === target ? { ...s, replicas } : s));
          const full = planPlacement(input(hosts, after, previous));
          expect(placement.snapshot()).toEqual({ allocations: full.allocations, unplaced: full.unplaced });
        },
      ),
      { numRuns: 200 },
    );
  });
});
