import type { PlacedAllocation, Unplaced, WantedService } from './placement-types.js';
import type { HashLanes } from './stable-hash.js';

/** One service's share of the plan. */
export interface ServiceBook {
  key: string;
  wanted: WantedService;
  /** Index = slot. */
  slots: (PlacedAllocation | undefined)[];
  /** Host ordinal → replicas of this service on it. */
  hostCount: Map<number, number>;
  /** Zone index → replicas of this service in it. */
  zoneCount: number[];
  unplaced: Unplaced[];
  /** {@link allocationIdSeed} of the wanted release, computed when first needed. */
  idSeed: { release: string; lanes: HashLanes } | null;
}

/**
 * The key of a service's replicas of one release in a plan. A rollout runs two releases of a
 * service side by side: each is placed (and spread) as a group of its own.
 */
export const serviceKey = (environment: string, service: string, release: string) =>
  `${environment}\n${service}\n${release}`;
