/** How fast a rollout may go, as replica counts (see {@link rolloutStrategy}). */
export interface RolloutStrategy {
  /** Replicas that may run above the target while moving (new ones started before old ones stop). */
  maxSurge: number;
  /** Replicas that may be missing below the target while moving. */
  maxUnavailable: number;
}

/** Kubernetes' defaults as Slipway uses them: 25% surge, 0 unavailable, so capacity never drops. */
export const DEFAULT_MAX_SURGE_PERCENT = 25;
export const DEFAULT_MAX_UNAVAILABLE_PERCENT = 0;

/**
 * The strategy for `replicas` from percentages: surge rounds up, unavailable rounds down (as
 * Kubernetes does), and at least one replica may surge when none may be unavailable — a rollout
 * must be able to move.
 *
 * @example rolloutStrategy(3) // { maxSurge: 1, maxUnavailable: 0 }
 * @example rolloutStrategy(10, { maxSurgePercent: 0, maxUnavailablePercent: 20 }) // { maxSurge: 0, maxUnavailable: 2 }
 */
export function rolloutStrategy(
  replicas: number,
  percents: { maxSurgePercent?: number; maxUnavailablePercent?: number } = {},
): RolloutStrategy {
  const surgePercent = percents.maxSurgePercent ?? DEFAULT_MAX_SURGE_PERCENT;
  const unavailablePercent = percents.maxUnavailablePercent ?? DEFAULT_MAX_UNAVAILABLE_PERCENT;
  const maxUnavailable = Math.floor((replicas * unavailablePercent) / 100);
  const surge = Math.ceil((replicas * surgePercent) / 100);
  return { maxSurge: maxUnavailable === 0 ? Math.max(1, surge) : surge, maxUnavailable };
}
