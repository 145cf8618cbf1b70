import { type BuildLine, latestBuild } from '@slipway/queue';
import type { Redis } from 'ioredis';
import { BuildSupersededError } from '../errors.js';
import { silentLogger, type WorkerLogger } from './worker-logger.js';

export interface SupersedeWatchOptions {
  redis: Redis;
  line: BuildLine;
  /** The commit being built. */
  sha: string;
  /** How often the running build asks. Default 1000 ms. */
  intervalMs?: number;
  logger?: WorkerLogger;
}

/**
 * Watches a build line's latest-build marker (set by the intake on every push) and stops the
 * build once a newer commit holds it: {@link SupersedeWatch.signal} aborts with a
 * {@link BuildSupersededError}. `check()` asks at once (before the build, before the push);
 * `start()` asks every `intervalMs` while the build runs. Cost: one Redis GET per second per build.
 */
export class SupersedeWatch {
  readonly #options: SupersedeWatchOptions;
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #asking = false;

  constructor(options: SupersedeWatchOptions) {
    this.#options = options;
  }

  /** Aborts (reason: BuildSupersededError) when a newer commit supersedes this one. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The newer commit, once superseded. */
  get supersededBy(): string | undefined {
    const reason: unknown = this.#controller.signal.reason;
    return reason instanceof BuildSupersededError ? reason.supersededBy : undefined;
  }

  /** Asks now; throws BuildSupersededError (and aborts the signal) when superseded. */
  async check(): Promise<void> {
    const latest = await latestBuild(this.#options.redis, this.#options.line);
    if (latest !== undefined && latest !== this.#options.sha && !this.#controller.signal.aborted)
      this.#controller.abort(new BuildSupersededError(latest));
    if (this.#controller.signal.aborted) throw this.#controller.signal.reason;
  }

  /** Asks every interval until `stop()` or until superseded. A failed ask is logged and asked again. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#asking || this.#controller.signal.aborted) return;
      this.#asking = true;
      this.check()
        .catch((error: unknown) => {
          if (error instanceof BuildSupersededError) return this.stop();
          (this.#options.logger ?? silentLogger).warn(
            { tenant: this.#options.line.tenant, commit: this.#options.sha, err: error },
            'could not check whether the build is superseded; asking again',
          );
        })
        .finally(() => {
          this.#asking = false;
        });
    }, this.#options.intervalMs ?? 1000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
