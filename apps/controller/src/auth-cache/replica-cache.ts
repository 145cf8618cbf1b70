export interface ReplicaCacheOptions {
  /** How long an entry is trusted without news of a change (ms). */
  ttlMs: number;
  /** At most this many entries; the oldest go first. Default 50,000. */
  maxEntries?: number;
  /** A monotonic clock in ms. Default `performance.now`. */
  clock?: () => number;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/**
 * Documents one controller replica read from the state store, kept for `ttlMs` so that callers
 * who come back every few seconds (agents) cost no read (DESIGN.md §4 rule 8). Whoever writes a
 * document calls `forget` on every replica (see `AuthCache`); the TTL only bounds the damage of a
 * lost message.
 *
 * Misses are not kept. A read that overlapped a `forget` or `clear` is not kept either, since it
 * may have returned the document from before that write. Values are shared: treat them as read-only.
 */
export class ReplicaCache<T> {
  readonly ttlMs: number;
  readonly #maxEntries: number;
  readonly #clock: () => number;
  readonly #entries = new Map<string, Entry<T>>();
  /** Grows with every forget/clear: a read that started in an older generation is not kept. */
  #generation = 0;
  #suspended = false;

  constructor(options: ReplicaCacheOptions) {
    if (!(options.ttlMs >= 0)) throw new RangeError(`ttlMs must be ≥ 0, got ${options.ttlMs}`);
    this.ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 50_000;
    this.#clock = options.clock ?? (() => performance.now());
  }

  /** Entries kept now (expired ones included until they are next asked for). */
  get size(): number {
    return this.#entries.size;
  }

  /** The value kept for `key`, else what `load` returns (kept when it is defined and still current). */
  async get(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = this.#entries.get(key);
    if (hit && hit.expiresAt > this.#clock()) return hit.value;
    if (hit) this.#entries.delete(key);
    const generation = this.#generation;
    const value = await load();
    if (value !== undefined && !this.#suspended && this.ttlMs > 0 && generation === this.#generation) {
      if (this.#entries.size >= this.#maxEntries) this.#evictOldest();
      this.#entries.set(key, { value, expiresAt: this.#clock() + this.ttlMs });
    }
    return value;
  }

  /** Drops `key`: the next `get` reads the store. */
  forget(key: string): void {
    this.#generation++;
    this.#entries.delete(key);
  }

  /** Drops everything (e.g. when news of changes may have been missed). */
  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }

  /** Drops everything and keeps nothing until `resume`: while news of changes cannot arrive. */
  suspend(): void {
    this.#suspended = true;
    this.clear();
  }

  resume(): void {
    this.#suspended = false;
  }

  #evictOldest(): void {
    const oldest = this.#entries.keys().next();
    if (!oldest.done) this.#entries.delete(oldest.value);
  }
}
