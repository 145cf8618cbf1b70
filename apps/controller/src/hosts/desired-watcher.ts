import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { desiredChangedChannel } from './host-redis-keys.js';

export interface DesiredWatcherOptions {
  /** Duplicated once: the watcher's one subscriber connection, shared by every waiting request. */
  redis: Redis;
  prefix: string;
  logger: Logger;
}

/** Why a wait ended. `closed`: the replica is stopping — answer now, the agent polls another. */
export type WaitOutcome = 'changed' | 'timeout' | 'aborted' | 'closed';

type Waiter = (outcome: WaitOutcome) => void;

/**
 * Lets long-polls wait for a host's desired allocations to change. One Redis subscriber per
 * replica (not one per request) hears `publishDesiredChange` and wakes that host's waiters.
 * A wake-up is a hint, not the news: the waiter looks at the etag again (Redis, then the document
 * if that differs), so a spurious or duplicate message costs a Redis read and at most one GET. After the subscriber reconnects every waiter is
 * woken, since messages sent while it was away are lost.
 */
export class DesiredWatcher {
  readonly #redis: Redis;
  readonly #channel: string;
  readonly #logger: Logger;
  readonly #waiters = new Map<string, Set<Waiter>>();
  #subscriber: Redis | undefined;
  #subscribed: Promise<void> | undefined;
  #closed = false;

  constructor(options: DesiredWatcherOptions) {
    this.#redis = options.redis;
    this.#channel = desiredChangedChannel(options.prefix);
    this.#logger = options.logger;
  }

  /** Requests waiting now. */
  get waiting(): number {
    let n = 0;
    for (const set of this.#waiters.values()) n += set.size;
    return n;
  }

  /** Subscribes once (the first wait calls it); resolves when messages will be heard. */
  start(): Promise<void> {
    this.#subscribed ??= this.#subscribe().catch((error: unknown) => {
      // Not cached: the next long-poll tries again instead of failing forever.
      this.#subscribed = undefined;
      this.#subscriber?.disconnect();
      throw new Error('desired watcher: could not subscribe to Redis; the agent should retry its poll', {
        cause: error,
      });
    });
    return this.#subscribed;
  }

  async #subscribe(): Promise<void> {
    // Named after the replica's connection, so operators (and tests) can count it in CLIENT LIST.
    const subscriber = this.#redis.duplicate({
      connectionName: `${this.#redis.options.connectionName ?? 'slipway-controller'}:desired`,
    });
    this.#subscriber = subscriber;
    subscriber.on('error', (error) => this.#logger.warn({ err: error }, 'desired watcher: redis problem'));
    let ready = false;
    subscriber.on('ready', () => {
      // A reconnect: whatever was published meanwhile is lost, so everyone looks again.
      if (ready) this.#wakeAll('changed');
      ready = true;
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.#channel) return;
      try {
        const { tenant, host } = JSON.parse(message) as { tenant?: unknown; host?: unknown };
        if (typeof tenant === 'string' && typeof host === 'string')
          this.#wake(`${tenant}/${host}`, 'changed');
      } catch (error) {
        this.#logger.warn(
          { err: error, message: message.slice(0, 200) },
          'desired watcher: unreadable message',
        );
      }
    });
    await subscriber.subscribe(this.#channel);
  }

  /**
   * Resolves when `tenant`/`host`'s document may have changed, after `timeoutMs`, when `signal`
   * aborts, or when the watcher closes. Call it BEFORE reading the document whose etag decides
   * whether to wait, then await the returned promise: a change in between is not missed.
   */
  waitFor(input: {
    tenant: string;
    host: string;
    timeoutMs: number;
    signal?: AbortSignal;
  }): Promise<WaitOutcome> {
    if (this.#closed) return Promise.resolve('closed');
    const key = `${input.tenant}/${input.host}`;
    return new Promise<WaitOutcome>((resolve) => {
      const done: Waiter = (outcome) => {
        clearTimeout(timer);
        input.signal?.removeEventListener('abort', onAbort);
        const set = this.#waiters.get(key);
        set?.delete(done);
        if (set?.size === 0) this.#waiters.delete(key);
        resolve(outcome);
      };
      const onAbort = () => done('aborted');
      const timer = setTimeout(() => done('timeout'), input.timeoutMs);
      input.signal?.addEventListener('abort', onAbort, { once: true });
      const set = this.#waiters.get(key) ?? new Set<Waiter>();
      this.#waiters.set(key, set);
      set.add(done);
      if (input.signal?.aborted) done('aborted');
    });
  }

  #wake(key: string, outcome: WaitOutcome): void {
    for (const waiter of [...(this.#waiters.get(key) ?? [])]) waiter(outcome);
  }

  #wakeAll(outcome: WaitOutcome): void {
    for (const key of [...this.#waiters.keys()]) this.#wake(key, outcome);
  }

  /** Answers every waiter (`closed`) and drops the subscriber connection. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wakeAll('closed');
    this.#subscriber?.disconnect();
  }
}
