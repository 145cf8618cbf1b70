import type { Host } from '../domain/host.js';
import type { Policy } from '../domain/policy.js';
import type { Release } from '../domain/release.js';
import type { Service } from '../domain/service.js';
import type { Composition } from '../rollout/rollout-steps.js';
import type { AllocationSpec } from './agent-actions.js';
import { allocationSpecFor } from './allocation-spec.js';
import type { PlacedAllocation, Unplaced, WantedService } from './placement-types.js';
import { planPlacement } from './plan-placement.js';

export interface DesiredPlanInput {
  tenant: string;
  /** The tenant's host records. */
  hosts: readonly Host[];
  /** Hosts heard from within the grace: only these take new allocations; the others' are re-placed. */
  liveHosts: ReadonlySet<string>;
  services: readonly Service[];
  /**
   * What should run of a service (`<environment>/<name>` → replicas per release) while a rollout
   * moves it; a service without an entry runs `replicas` of its current release.
   */
  compositions?: ReadonlyMap<string, Composition>;
  /** Every release a service runs or a composition names, by id (a missing one is not placed). */
  releases: ReadonlyMap<string, Release>;
  /** Each host's desired allocations as last written (hosts without a record included). */
  desired: ReadonlyMap<string, readonly AllocationSpec[]>;
  policy: Policy;
  nowMs: number;
  /** How long a leaving allocation stays (draining: no new requests) before it is removed. Default 0. */
  drainMs?: number;
}

/** The plan's verdict on one service, shown to users: why replicas are missing, if they are. */
export interface ServiceVerdict {
  environment: string;
  service: string;
  release: string | null;
  replicas: number;
  placed: number;
  unplaced: Unplaced[];
}

export interface DesiredPlan {
  /** Every host record's desired allocations, sorted by allocation id (empty for hosts that run nothing). */
  hosts: Map<string, AllocationSpec[]>;
  /** Hosts that have a desired document but no record (removed): their documents go. */
  orphaned: string[];
  /** One verdict per service, in environment then name order (its current release's replicas). */
  verdicts: ServiceVerdict[];
  /** When the next pass must run to end a drain, if one is under way (ms since the epoch). */
  nextDrainEndMs: number | null;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Each host's desired allocations for one tenant: where every replica of every released service
 * runs, as the specs its agent executes. Allocations stay where they are unless their host is
 * gone or silent (re-placed on live hosts) or fewer replicas of their release are wanted. A
 * service runs `replicas` of its current release, or, during a rollout, the replicas per release
 * its composition says — each release placed as a group of its own. An allocation that leaves a
 * live host first drains: it stays in the document marked `drainingSince` (the edge stops sending
 * it requests) for `drainMs`, then goes; one on a silent host goes at once. A slot listed on two
 * hosts (a leader died between writes) is kept once. Pure: the same input gives the same plan.
 *
 * @example
 * const plan = planDesired({ tenant: 'acme', hosts, liveHosts: new Set(['h-1']), services, releases, desired: new Map(), policy, nowMs });
 * plan.hosts.get('h-1') // [{ allocation: 'web-0-…', image: '…@sha256:…', … }]
 */
export function planDesired(input: DesiredPlanInput): DesiredPlan {
  const wanted: WantedService[] = [];
  const verdicts = new Map<string, ServiceVerdict>();
  for (const service of [...input.services].sort(byEnvironmentAndName)) {
    const key = `${service.environment}/${service.name}`;
    const usable = (id: string | null) => {
      const release = id === null ? undefined : input.releases.get(id);
      return release?.tenant === input.tenant && release.service === service.name ? release : undefined;
    };
    const current = usable(service.release);
    verdicts.set(key, {
      environment: service.environment,
      service: service.name,
      release: current?.id ?? null,
      replicas: service.replicas,
      placed: 0,
      unplaced: current ? [] : notReleased(service),
    });
    const composition = input.compositions?.get(key) ?? (current ? { [current.id]: service.replicas } : {});
    for (const [id, replicas] of Object.entries(composition).sort(([a], [b]) => compare(a, b))) {
      const release = usable(id);
      if (!release || replicas <= 0) continue;
      wanted.push({
        service: service.name,
        environment: service.environment,
        release: release.id,
        replicas,
        resources: release.config.resources,
      });
    }
  }

  const records = new Set(input.hosts.map((host) => host.id));
  const serving: PlacedAllocation[] = [];
  const previous = new Map<string, { host: string; spec: AllocationSpec }>();
  for (const [host, specs] of input.desired) {
    for (const spec of specs) {
      previous.set(spec.allocation, { host, spec });
      // A draining allocation is on its way out: it holds no slot any more.
      if (spec.drainingSince !== undefined) continue;
      const { allocation: id, service, environment, slot, release } = spec;
      serving.push({ id, service, environment, slot, host, release });
    }
  }

  const plan = planPlacement({
    tenant: input.tenant,
    hosts: input.hosts.map((host) =>
      input.liveHosts.has(host.id) ? host : { ...host, status: 'lost' as const },
    ),
    services: wanted,
    allocations: serving,
    policy: input.policy,
  });

  const hosts = new Map<string, AllocationSpec[]>(input.hosts.map((host) => [host.id, []]));
  for (const allocation of plan.allocations) {
    const key = `${allocation.environment}/${allocation.service}`;
    const release = input.releases.get(allocation.release)!;
    hosts.get(allocation.host)?.push(allocationSpecFor(release, allocation));
    const verdict = verdicts.get(key)!;
    if (allocation.release === verdict.release) verdict.placed += 1;
  }
  for (const unplaced of plan.unplaced)
    verdicts.get(`${unplaced.environment}/${unplaced.service}`)?.unplaced.push(unplaced);

  // What left the plan drains on its live host, then goes.
  const kept = new Set(plan.allocations.map((a) => a.id));
  const drainMs = input.drainMs ?? 0;
  let nextDrainEndMs: number | null = null;
  for (const [id, { host, spec }] of [...previous].sort(([a], [b]) => compare(a, b))) {
    if (kept.has(id) || !input.liveHosts.has(host) || !hosts.has(host)) continue;
    const since = spec.drainingSince ?? new Date(input.nowMs).toISOString();
    const endsMs = Date.parse(since) + drainMs;
    if (endsMs <= input.nowMs) continue;
    hosts.get(host)!.push({ ...spec, drainingSince: since });
    nextDrainEndMs = nextDrainEndMs === null ? endsMs : Math.min(nextDrainEndMs, endsMs);
  }
  for (const specs of hosts.values()) specs.sort((a, b) => compare(a.allocation, b.allocation));

  return {
    hosts,
    orphaned: [...input.desired.keys()].filter((host) => !records.has(host)).sort(compare),
    verdicts: [...verdicts.values()],
    nextDrainEndMs,
  };
}

function byEnvironmentAndName(a: Service, b: Service): number {
  return compare(a.environment, b.environment) || compare(a.name, b.name);
}

function notReleased(service: Service): Unplaced[] {
  const reason =
    service.source.kind === 'build'
      ? 'no release yet: the first successful build of a push releases it'
      : 'no release yet: the image has not been released';
  return Array.from({ length: service.replicas }, (_, slot) => ({
    service: service.name,
    environment: service.environment,
    slot,
    reason,
  }));
}
