import type { Allocation } from '../domain/allocation.js';
import type { Host } from '../domain/host.js';
import type { Policy } from '../domain/policy.js';
import type { Resources } from '../domain/workload.js';

/** What the planner needs to know of one service: how many replicas of which release, how big. */
export interface WantedService {
  service: string;
  environment: string;
  /** The Release new allocations run. Kept allocations keep theirs (replacing them is a rollout's job). */
  release: string;
  replicas: number;
  resources: Resources;
}

/** An allocation as the planner sees it: where one slot of a service runs. */
export type PlacedAllocation = Pick<
  Allocation,
  'id' | 'service' | 'environment' | 'slot' | 'host' | 'release'
>;

export interface PlacementInput {
  tenant: string;
  /** The tenant's hosts. Others' hosts and hosts that are not `ready` receive nothing new. */
  hosts: readonly Host[];
  /** One entry per (environment, service, release) — two during a rollout; should one repeat, the first counts. */
  services: readonly WantedService[];
  /** The current allocations (the previous plan). */
  allocations: readonly PlacedAllocation[];
  /** The tenant's policy: replicasPerService, cpuMillicores and memoryMiB limit what is placed. */
  policy: Policy;
}

/** One slot that could not be placed, and why, in words a user can act on. */
export interface Unplaced {
  service: string;
  environment: string;
  slot: number;
  reason: string;
}

export interface PlacementPlan {
  /** The new desired allocation set, ordered by environment, service, slot. */
  allocations: PlacedAllocation[];
  unplaced: Unplaced[];
  /** Ids of allocations new in this plan (sorted). */
  added: string[];
  /** Ids of input allocations not in this plan: extra slots, moved off lost hosts, deleted services (sorted). */
  removed: string[];
}

/** The result of replanning one service: its allocations and unplaced slots, and what changed. */
export interface ServiceReplan {
  allocations: PlacedAllocation[];
  unplaced: Unplaced[];
  added: string[];
  removed: string[];
}
