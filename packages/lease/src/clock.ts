/**
 * The two clocks a lease needs. `now()` is wall time (ms since the Unix epoch), shared with other
 * replicas through the stored `expiresAt`; `monotonic()` is local elapsed time (ms, any origin) that
 * never jumps, used for the holder's own deadline. Injected so tests can move one without the other.
 */
export interface LeaseClock {
  now(): number;
  monotonic(): number;
}

/** The process clocks: `Date.now()` and `performance.now()`. */
export const systemClock: LeaseClock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** Both clocks read at one moment. */
export interface ClockSample {
  wall: number;
  mono: number;
}

/**
 * Describes how far the wall clock moved differently from the monotonic clock between two samples,
 * or undefined when within `toleranceMs`. A jump breaks the expiry arithmetic other replicas rely on.
 */
export function clockJump(from: ClockSample, to: ClockSample, toleranceMs: number): string | undefined {
  const drift = to.wall - from.wall - (to.mono - from.mono);
  if (Math.abs(drift) <= toleranceMs) return undefined;
  return `the wall clock jumped ${drift > 0 ? 'forward' : 'backward'} by ${Math.abs(Math.round(drift))} ms`;
}
