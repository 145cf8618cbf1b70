import type { StateStore } from '@slipway/state';
import type { Logger } from 'pino';
import type { ControllerMetrics } from '../metrics.js';
import { keepRunning } from './keep-running.js';
import type { ReplicaLoop } from './leader-loop.js';

/**
 * Runs loops that every replica runs, from `start()` until `stop()`: unlike the leader loops they
 * do not wait for an election, so a follower's local edge routes traffic too, and keeps routing
 * it while the leader changes.
 */
export class ReplicaLoops {
  readonly #loops: readonly ReplicaLoop[];
  readonly #options: {
    store: StateStore;
    logger: Logger;
    metrics: ControllerMetrics;
    restartDelayMs?: number;
  };
  readonly #stop = new AbortController();
  #running: Promise<unknown> | undefined;

  constructor(
    loops: readonly ReplicaLoop[],
    options: { store: StateStore; logger: Logger; metrics: ControllerMetrics; restartDelayMs?: number },
  ) {
    this.#loops = loops;
    this.#options = options;
  }

  start(): void {
    if (this.#running || this.#stop.signal.aborted) return;
    const { store, metrics, restartDelayMs = 1000 } = this.#options;
    const signal = this.#stop.signal;
    this.#running = Promise.all(
      this.#loops.map((loop) => {
        const logger = this.#options.logger.child({ loop: loop.name });
        return keepRunning(loop.name, () => loop.run({ signal, store, logger }), {
          signal,
          logger,
          metrics,
          restartDelayMs,
        });
      }),
    );
  }

  /** Aborts the loops and resolves once each has returned. Idempotent. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }
}
