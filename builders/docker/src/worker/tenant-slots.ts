import type { Redis } from 'ioredis';

/**
 * Takes a slot when the tenant holds fewer than `limit` live ones. Holders are a sorted set of
 * job id → lease expiry, so a worker that died holding a slot frees it when its lease runs out,
 * and a retried job (same id) takes its old slot back instead of a second one.
 * The key's own TTL is relative (server time), so an idle tenant's set disappears by itself.
 * KEYS[1] = set; ARGV = now ms, expiry ms, limit, holder, lease ms.
 */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
`;

/** Renews a held slot's lease; 0 when it was lost (expired and taken). */
const RENEW = `
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
  return 1
end
return 0
`;

export interface TenantSlotsOptions {
  redis: Redis;
  /** Redis key prefix (the queues' prefix). */
  prefix: string;
  /** How long a slot stays held without renewal; the holder renews at a third of it. */
  leaseMs: number;
  now?: () => number;
}

/**
 * A per-tenant counting semaphore in Redis: at most `limit` builds of one tenant run at once,
 * across every worker process. Slots are leases, so a crash never leaks one for longer than `leaseMs`.
 */
export class TenantSlots {
  readonly #options: TenantSlotsOptions;
  readonly #now: () => number;

  constructor(options: TenantSlotsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  key(tenant: string): string {
    return `${this.#options.prefix}:build-slots:${tenant}`;
  }

  /** True when `holder` now holds one of the tenant's `limit` slots (it may already have held it). */
  async acquire(tenant: string, holder: string, limit: number): Promise<boolean> {
    const now = this.#now();
    const taken = await this.#options.redis.eval(
      ACQUIRE,
      1,
      this.key(tenant),
      now,
      now + this.#options.leaseMs,
      limit,
      holder,
      this.#options.leaseMs,
    );
    return taken === 1;
  }

  /** Extends the lease; false when the slot was lost (the lease ran out and was cleared). */
  async renew(tenant: string, holder: string): Promise<boolean> {
    const renewed = await this.#options.redis.eval(
      RENEW,
      1,
      this.key(tenant),
      this.#now() + this.#options.leaseMs,
      holder,
      this.#options.leaseMs,
    );
    return renewed === 1;
  }

  async release(tenant: string, holder: string): Promise<void> {
    await this.#options.redis.zrem(this.key(tenant), holder);
  }
}
