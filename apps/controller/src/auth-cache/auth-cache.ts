import type { Tenant } from '@slipway/core';
import { type StoredToken, tokenIdOfKey } from '@slipway/identity';
import type { StateStore, StoredDocument } from '@slipway/state';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { announcingWrites } from './announce-writes.js';
import { ReplicaCache } from './replica-cache.js';

/**
 * The channel on which replicas tell each other that a token record or a tenant document was
 * written: `{"token":"<id>"}` or `{"tenant":"<id>"}`.
 */
export const authInvalidateChannel = (prefix: string) => `${prefix}:auth-invalidate`;

/**
 * How long an entry is trusted with Redis and without. With Redis, news of every change arrives by
 * pub/sub (failed publishes are retried), so the TTL only bounds a replica's memory of a change it
 * could not hear; each replica rereads each agent's token this often, which at 1,000 hosts on three
 * replicas costs about $1.7 a month in S3 GETs (5 min would cost ~$10).
 */
export const AUTH_CACHE_TTL_MS = 30 * 60_000;
export const AUTH_CACHE_TTL_WITHOUT_REDIS_MS = 5_000;

/** How soon a failed publish is tried again. */
const RETRY_MS = 1_000;

const TENANT_KEY = /^tenants\/([^/]+)\/tenant\.json$/;

export interface AuthCacheOptions {
  /** Without it nothing is shared: entries live `AUTH_CACHE_TTL_WITHOUT_REDIS_MS`. */
  redis: Redis | undefined;
  prefix: string;
  logger: Logger;
  /** Overrides the TTL (tests). */
  ttlMs?: number;
}

/**
 * What each request's authentication reads — the bearer's token record and the tenant's document
 * (its members) — kept by this replica, so an idle fleet's heartbeats and long-polls cost no S3
 * reads (DESIGN.md §4 rule 8).
 *
 * Revocations and membership changes still apply at once everywhere: every write of
 * `tokens/<id>.json` or `tenants/<t>/tenant.json` through {@link announcingWrites} drops the entry
 * here and publishes on {@link authInvalidateChannel}, which every replica hears. While a replica's
 * subscriber is not connected it keeps nothing (a message may be missed), and after a reconnect it
 * starts empty. A failed publish is retried every second; the TTL only bounds the effect of one
 * that never gets through (the writer died first).
 */
export class AuthCache {
  readonly tokens: ReplicaCache<StoredToken>;
  readonly tenants: ReplicaCache<StoredDocument<Tenant>>;
  readonly #redis: Redis | undefined;
  readonly #channel: string;
  readonly #logger: Logger;
  #subscriber: Redis | undefined;
  #closed = false;
  #listening = false;
  /** Messages whose publish failed, retried until Redis takes them. */
  readonly #unsent = new Set<string>();
  #retry: NodeJS.Timeout | undefined;

  constructor(options: AuthCacheOptions) {
    const ttlMs = options.ttlMs ?? (options.redis ? AUTH_CACHE_TTL_MS : AUTH_CACHE_TTL_WITHOUT_REDIS_MS);
    this.tokens = new ReplicaCache({ ttlMs });
    this.tenants = new ReplicaCache({ ttlMs });
    this.#redis = options.redis;
    this.#channel = authInvalidateChannel(options.prefix);
    this.#logger = options.logger;
    // With Redis, nothing is kept until the subscription is confirmed.
    if (this.#redis) this.#suspend();
  }

  /** True while entries are kept: with Redis, only while other replicas' writes are heard. */
  get caching(): boolean {
    return this.#redis ? this.#listening : !this.#closed;
  }

  /** Starts hearing other replicas' writes (no-op without Redis). Idempotent. */
  start(): void {
    if (!this.#redis || this.#subscriber || this.#closed) return;
    const subscriber = this.#redis.duplicate({
      connectionName: `${this.#redis.options.connectionName ?? 'slipway-controller'}:auth`,
    });
    this.#subscriber = subscriber;
    subscriber.on('error', (error) => this.#logger.warn({ err: error }, 'auth cache: redis problem'));
    // Messages sent while the connection is down are lost: keep nothing until it is back.
    subscriber.on('close', () => this.#suspend());
    subscriber.on('ready', () => void this.#subscribe(subscriber));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) this.#heard(message);
    });
  }

  /** The store to give everything that writes tokens or tenants: each such write is announced. */
  announcingWrites(store: StateStore): StateStore {
    return announcingWrites(store, (key) => this.announce(key));
  }

  /** Drops `key`'s entry here and on every replica, if it is a token record or a tenant document. */
  async announce(key: string): Promise<void> {
    const token = tokenIdOfKey(key);
    const tenant = TENANT_KEY.exec(key)?.[1];
    if (token !== undefined) this.tokens.forget(token);
    if (tenant !== undefined) this.tenants.forget(tenant);
    if ((token === undefined && tenant === undefined) || !this.#redis) return;
    const message = JSON.stringify(token !== undefined ? { token } : { tenant });
    try {
      await this.#redis.publish(this.#channel, message);
    } catch (error) {
      // The write stands; until the retry gets through, other replicas may honour the old document.
      this.#logger.error(
        { err: error, ...(token !== undefined ? { tokenId: token } : { tenant }) },
        'auth cache: could not tell other replicas of a change; retrying every second',
      );
      this.#unsent.add(message);
      this.#retryLater();
    }
  }

  /** Publishes the messages that failed, in order, every `RETRY_MS` until Redis takes them all. */
  #retryLater(): void {
    if (this.#retry || this.#closed || !this.#redis) return;
    const redis = this.#redis;
    this.#retry = setTimeout(async () => {
      for (const message of [...this.#unsent]) {
        try {
          await redis.publish(this.#channel, message);
          this.#unsent.delete(message);
        } catch {
          break; // still down: the next round tries again
        }
      }
      this.#retry = undefined;
      if (this.#unsent.size > 0) this.#retryLater();
    }, RETRY_MS);
    this.#retry.unref();
  }

  /** Drops the subscriber connection and everything kept. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#suspend();
    this.#subscriber?.disconnect();
  }

  async #subscribe(subscriber: Redis): Promise<void> {
    try {
      await subscriber.subscribe(this.#channel);
      if (subscriber.status === 'ready' && !this.#closed) {
        this.#listening = true;
        this.tokens.resume();
        this.tenants.resume();
      }
    } catch (error) {
      // Stays suspended (every request reads the store) until the next reconnect subscribes.
      this.#logger.warn(
        { err: error },
        'auth cache: could not subscribe; reading tokens and tenants uncached',
      );
    }
  }

  #heard(message: string): void {
    const { token, tenant } = parseMessage(message);
    if (token !== undefined) this.tokens.forget(token);
    else if (tenant !== undefined) this.tenants.forget(tenant);
    else {
      // Whatever it meant, forgetting everything is safe.
      this.#logger.warn(
        { message: message.slice(0, 200) },
        'auth cache: unreadable message; dropping everything',
      );
      this.tokens.clear();
      this.tenants.clear();
    }
  }

  #suspend(): void {
    this.#listening = false;
    this.tokens.suspend();
    this.tenants.suspend();
  }
}

/** The token id or tenant id a message names; neither when it is not one of ours. */
function parseMessage(message: string): { token?: string; tenant?: string } {
  try {
    const { token, tenant } = JSON.parse(message) as { token?: unknown; tenant?: unknown };
    if (typeof token === 'string') return { token };
    if (typeof tenant === 'string') return { tenant };
  } catch {
    // not JSON: neither
  }
  return {};
}
