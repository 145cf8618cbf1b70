import type { LeaderElector, Leadership } from '@slipway/lease';
import type { StateStore } from '@slipway/state';
import type { Logger } from 'pino';
import type { ControllerMetrics } from '../metrics.js';
import { keepRunning } from './keep-running.js';
import type { LeaderLoop } from './leader-loop.js';

export interface LeaderLoopsOptions {
  loops: readonly LeaderLoop[];
  store: StateStore;
  /** The fence family of leader-only writes: the lease name. */
  fenceFamily: string;
  logger: Logger;
  metrics: ControllerMetrics;
  /** Pause before running a failed loop again. */
  restartDelayMs?: number;
}

/**
 * Runs the leader-only loops for exactly as long as this controller leads: started on election,
 * each with the term's AbortSignal, and stopped the moment the elector deposes us.
 */
export class LeaderLoops {
  readonly #options: LeaderLoopsOptions;
  readonly #running = new Set<Promise<void>>();

  constructor(options: LeaderLoopsOptions) {
    this.#options = options;
  }

  /** Starts the loops on each election of `elector`. Returns the unsubscribe function. */
  attach(elector: LeaderElector): () => void {
    return elector.onElected((leadership) => {
      for (const loop of this.#options.loops) {
        const run = this.#keepRunning(loop, leadership);
        this.#running.add(run);
        void run.finally(() => this.#running.delete(run));
      }
    });
  }

  /** Resolves when every loop of every term has returned (call after the elector stopped). */
  async settled(): Promise<void> {
    await Promise.all(this.#running);
  }

  async #keepRunning(loop: LeaderLoop, { token, signal }: Leadership): Promise<void> {
    const { store, fenceFamily, metrics, restartDelayMs = 1000 } = this.#options;
    const logger = this.#options.logger.child({ loop: loop.name, epoch: token.epoch });
    const fence = { family: fenceFamily, epoch: token.epoch };
    await keepRunning(loop.name, () => loop.run({ token, fence, signal, store, logger }), {
      signal,
      logger,
      metrics,
      restartDelayMs,
    });
  }
}
