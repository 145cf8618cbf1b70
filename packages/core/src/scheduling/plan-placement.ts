import { Placement } from './placement.js';
import type { PlacementInput, PlacementPlan } from './placement-types.js';

/**
 * The tenant's new desired allocation set. Existing allocations on the tenant's ready or
 * draining hosts stay where they are (no needless moves); missing slots are added, extra ones
 * removed (highest slot first) and allocations on lost, unknown or other tenants' hosts
 * re-placed. New allocations go only to the tenant's ready hosts, spread across hosts and zones
 * (fewest replicas of the service first), then packed by best fit, biggest services first,
 * within the policy's replica, cpu and memory limits. What cannot be placed is listed in
 * `unplaced` with the reason. New ids derive from tenant, environment, service, slot, release
 * and host, so replanning the same state gives the same ids.
 *
 * To keep replanning cheap after one service changes, use {@link Placement} and its
 * `replanService`.
 *
 * @example
 * const plan = planPlacement({ tenant: 'acme', hosts, services, allocations: [], policy });
 * plan.unplaced[0]?.reason // 'needs 512 MiB, largest free is 256 MiB on host h-3'
 */
export function planPlacement(input: PlacementInput): PlacementPlan {
  return new Placement(input).initial;
}
