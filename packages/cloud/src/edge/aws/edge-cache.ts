import type { EdgeTags } from '@slipway/core';
import type { ActualListener, ActualRecord, ActualRule } from './actual-edge.js';

interface Entry<T> {
  value: T;
  /** When AWS last confirmed it (epoch ms); write-through updates keep the old time. */
  at: number;
}

/**
 * What the edge last read from AWS or did to it, per resource ARN (or hosted zone), so a resync
 * with nothing changed needs only the account-wide listings (load balancers, target groups,
 * certificates), not a describe per listener, rule set, target group and zone. Each entry is
 * trusted for `maxAgeMs`, then read again; every successful mutating call updates it; a failed
 * one drops the tenant's entries, so the next pass reads the truth. Tags and certificate domain
 * sets never change under us and are kept for as long as the resource is listed.
 */
export class EdgeCache {
  readonly tags = new Map<string, EdgeTags>();
  readonly certificates = new Map<
    string,
    { domains: string[]; validationRecords: { name: string; value: string }[] }
  >();
  readonly #listeners = new Map<string, Entry<ActualListener[]>>();
  readonly #rules = new Map<string, Entry<ActualRule[]>>();
  readonly #targets = new Map<
    string,
    Entry<{ targets: { address: string; port: number }[]; draining: number }>
  >();
  readonly #delays = new Map<string, Entry<number>>();
  readonly #zones = new Map<string, Entry<ActualRecord[]>>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number,
    private readonly random: () => number = Math.random,
  ) {}

  listeners = this.#view(this.#listeners);
  rules = this.#view(this.#rules);
  targets = this.#view(this.#targets);
  delays = this.#view(this.#delays);
  zones = this.#view(this.#zones);

  /** Forgets everything known about these ARNs and zones (after a failed call, or a resource gone). */
  forget(keys: Iterable<string>): void {
    for (const key of keys)
      for (const map of [this.#listeners, this.#rules, this.#targets, this.#delays, this.#zones])
        map.delete(key);
  }

  /** Drops what belongs to resources no longer listed, so the maps do not grow forever. */
  retain(listed: ReadonlySet<string>): void {
    for (const map of [this.tags, this.certificates, this.#listeners, this.#targets, this.#delays])
      for (const key of map.keys()) if (!listed.has(key)) map.delete(key);
    // Rule sets are keyed by listener: they stay while their listener is known.
    const listeners = new Set(
      [...this.#listeners.values()].flatMap((entry) => entry.value.map((l) => l.arn)),
    );
    for (const key of this.#rules.keys()) if (!listeners.has(key)) this.#rules.delete(key);
  }

  /**
   * Now, moved back by up to half the age limit at random: entries made in one pass are re-read
   * spread over the next half period, not all in one pass (a burst of describes AWS would throttle).
   */
  #confirmedAt(): number {
    return this.now() - Math.floor(this.random() * this.maxAgeMs * 0.5);
  }

  #view<T>(map: Map<string, Entry<T>>) {
    return {
      /** The value, if known and young enough. */
      get: (key: string): T | undefined => {
        const entry = map.get(key);
        return entry && this.now() - entry.at < this.maxAgeMs ? entry.value : undefined;
      },
      /** Just read from AWS. */
      fresh: (key: string, value: T) => map.set(key, { value, at: this.#confirmedAt() }),
      /** Changed by us: keep when AWS last confirmed it; a new entry counts as confirmed now. */
      update: (key: string, change: (value: T) => T, initial?: T) => {
        const entry = map.get(key);
        if (entry) map.set(key, { value: change(entry.value), at: entry.at });
        else if (initial !== undefined) map.set(key, { value: change(initial), at: this.#confirmedAt() });
      },
    };
  }
}
