import type { LeaseClock } from '../clock.js';

/** The real clocks plus offsets a test can move, e.g. to jump the wall clock without moving monotonic time. */
export class AdjustableClock implements LeaseClock {
  wallOffsetMs = 0;

  now(): number {
    return Date.now() + this.wallOffsetMs;
  }

  monotonic(): number {
    return performance.now();
  }

  jumpWall(ms: number): void {
    this.wallOffsetMs += ms;
  }
}
