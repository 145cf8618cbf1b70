import type { Host } from '../domain/host.js';
import type { Policy } from '../domain/policy.js';
import type { Release } from '../domain/release.js';
import type { Service } from '../domain/service.js';
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
  /** The releases services name as current, by id (a missing one counts as no release). */
  releases: ReadonlyMap<string, Release>;
  /** Each host's desired allocations as last written (hosts without a record included). */
  desired: ReadonlyMap<string, readonly AllocationSpec[]>;
  policy: Policy;
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
  /** One verdict per service, in environment then name order. */
  verdicts: ServiceVerdict[];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Each host's desired allocations for one tenant: where every replica of every released service
 * runs, as the specs its agent executes. Allocations stay where they are unless their host is
 * gone or silent (re-placed on live hosts), their slot is no longer wanted, or their service has
 * a new current release — then they are replaced by allocations of that release (every replica at
 * once; rolling replacement is the rollout engine's). A slot listed on two hosts (a leader died
 * between writes) is kept once. Pure: the same input gives the same plan, ids included.
 *
 * @example
 * const plan = planDesired({ tenant: 'acme', hosts, liveHosts: new Set(['h-1']), services, releases, desired: new Map(), policy });
 * plan.hosts.get('h-1') // [{ allocation: 'web-0-…', image: '…@sha256:…', … }]
 */
export function planDesired(input: DesiredPlanInput): DesiredPlan {
  const released = new Map<string, Release>();
  const wanted: WantedService[] = [];
  const verdicts = new Map<string, ServiceVerdict>();
  for (const service of [...input.services].sort(byEnvironmentAndName)) {
    const key = `${service.environment}/${service.name}`;
    const release = service.release === null ? undefined : input.releases.get(service.release);
    const usable = release?.tenant === input.tenant && release.service === service.name ? release : undefined;
    verdicts.set(key, {
      environment: service.environment,
      service: service.name,
      release: usable?.id ?? null,
      replicas: service.replicas,
      placed: 0,
      unplaced: usable ? [] : notReleased(service),
    });
    if (!usable) continue;
    released.set(key, usable);
    wanted.push({
      service: service.name,
      environment: service.environment,
      release: usable.id,
      replicas: service.replicas,
      resources: usable.config.resources,
    });
  }

  const records = new Set(input.hosts.map((host) => host.id));
  const current: PlacedAllocation[] = [];
  for (const [host, specs] of input.desired) {
    for (const spec of specs) {
      // Allocations of another release are replaced, not kept (rollouts come later).
      if (released.get(`${spec.environment}/${spec.service}`)?.id !== spec.release) continue;
      const { allocation: id, service, environment, slot, release } = spec;
      current.push({ id, service, environment, slot, host, release });
    }
  }

  const plan = planPlacement({
    tenant: input.tenant,
    hosts: input.hosts.map((host) =>
      input.liveHosts.has(host.id) ? host : { ...host, status: 'lost' as const },
    ),
    services: wanted,
    allocations: current,
    policy: input.policy,
  });

  const hosts = new Map<string, AllocationSpec[]>(input.hosts.map((host) => [host.id, []]));
  for (const allocation of plan.allocations) {
    const key = `${allocation.environment}/${allocation.service}`;
    hosts.get(allocation.host)?.push(allocationSpecFor(released.get(key)!, allocation));
    verdicts.get(key)!.placed += 1;
  }
  for (const unplaced of plan.unplaced)
    verdicts.get(`${unplaced.environment}/${unplaced.service}`)?.unplaced.push(unplaced);
  for (const specs of hosts.values()) specs.sort((a, b) => compare(a.allocation, b.allocation));

  return {
    hosts,
    orphaned: [...input.desired.keys()].filter((host) => !records.has(host)).sort(compare),
    verdicts: [...verdicts.values()],
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
