import { appendBuildLog, type BuildLogRef, endBuildLog } from '@slipway/queue';
import type { Redis } from 'ioredis';

/**
 * Streams a build's lines to its Redis log stream in order, batching whatever arrived while the
 * previous write was in flight (Docker can print faster than one round trip per line).
 * The first Redis failure is kept and thrown by {@link BuildLogWriter.end}: a build whose live log
 * was lost is not reported as cleanly finished.
 */
export class BuildLogWriter {
  readonly #redis: Redis;
  readonly #ref: BuildLogRef;
  #pending: string[] = [];
  #flushing: Promise<void> | undefined;
  #failure: unknown;

  constructor(redis: Redis, ref: BuildLogRef) {
    this.#redis = redis;
    this.#ref = ref;
  }

  /** Queues one line; returns at once. */
  write(line: string): void {
    this.#pending.push(line);
    this.#flushing ??= this.#drain();
  }

  /** Waits for every written line to reach Redis, then appends the end entry with `status`. */
  async end(status: string): Promise<void> {
    await this.#flushing;
    if (this.#failure !== undefined) throw this.#failure;
    await endBuildLog(this.#redis, this.#ref, status);
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        await appendBuildLog(this.#redis, this.#ref, batch);
      }
    } catch (error) {
      this.#failure ??= error;
      this.#pending = [];
    } finally {
      this.#flushing = undefined;
    }
  }
}
