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
  readonly #tail: string[] = [];
  readonly #tailSize: number;

  constructor(redis: Redis, ref: BuildLogRef, options: { tailSize?: number } = {}) {
    this.#redis = redis;
    this.#ref = ref;
    this.#tailSize = options.tailSize ?? 50;
  }

  get ref(): BuildLogRef {
    return this.#ref;
  }

  /** The last lines written (50 by default), oldest first; kept in memory, so Redis trouble cannot lose them. */
  get tail(): readonly string[] {
    return this.#tail;
  }

  /** Queues one line; returns at once. */
  write(line: string): void {
    this.#pending.push(line);
    this.#tail.push(line);
    if (this.#tail.length > this.#tailSize) this.#tail.shift();
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
