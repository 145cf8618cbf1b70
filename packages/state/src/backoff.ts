import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits a random ("full jitter") time of up to `baseMs * 2^attempt`, capped at `maxMs`, so that
 * writers that collided do not collide again in lockstep.
 */
export function jitteredBackoff(
  attempt: number,
  options: { baseMs?: number; maxMs?: number } = {},
): Promise<void> {
  const { baseMs = 5, maxMs = 200 } = options;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16));
  return sleep(Math.random() * ceiling);
}
