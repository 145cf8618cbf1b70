import { type LeaseClock, systemClock } from './clock.js';
import type { LeaseBackend } from './lease-backend.js';
import { LeaseError } from './lease-error.js';

/** pino-compatible structured logger (`logger.warn({ lease }, 'message')`). */
export interface LeaseLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface LeaderElectorOptions {
  backend: LeaseBackend;
  /** Lease name shared by the replicas that compete, e.g. `controller`. */
  name: string;
  /** This process incarnation's id; must be unique and never reused by a restarted process. */
  owner: string;
  /** Lease time to live. Default 4000; at most 5000 so a dead leader is replaced within ttl + 1 s. */
  ttlMs?: number;
  /** Renew this often while leader. Default ttl / 3. */
  renewEveryMs?: number;
  /** Try to acquire this often while not leader. Default ttl / 8 (500 ms for the default ttl). */
  retryEveryMs?: number;
  /**
   * Largest wall-clock difference assumed between any two replicas. The holder gives up this much of
   * each ttl early, because a replica whose clock runs ahead sees the lease expire sooner. Default
   * min(250, ttl / 10).
   */
  maxClockSkewMs?: number;
  /** Wall and monotonic time drifting apart by more than this between two samples is a clock jump. Default skew / 2. */
  maxClockJumpMs?: number;
  clock?: LeaseClock;
  logger?: LeaseLogger;
}

export interface ResolvedElectorOptions {
  backend: LeaseBackend;
  name: string;
  owner: string;
  ttlMs: number;
  renewEveryMs: number;
  retryEveryMs: number;
  maxClockSkewMs: number;
  maxClockJumpMs: number;
  clock: LeaseClock;
  logger: LeaseLogger;
}

export const maxTtlMs = 5000;
const minTtlMs = 100;

const silent: LeaseLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Fills defaults and rejects values that would break the timing argument (see README). */
export function resolveElectorOptions(options: LeaderElectorOptions): ResolvedElectorOptions {
  const ttlMs = options.ttlMs ?? 4000;
  const check = (ok: boolean, what: string, value: unknown) => {
    if (!ok) throw new LeaseError('LEASE_INVALID_OPTIONS', `LeaderElector: ${what}, got ${String(value)}`);
  };
  check(options.name.length > 0, 'name must not be empty', JSON.stringify(options.name));
  check(options.owner.length > 0, 'owner must not be empty', JSON.stringify(options.owner));
  check(
    Number.isInteger(ttlMs) && ttlMs >= minTtlMs && ttlMs <= maxTtlMs,
    `ttlMs must be an integer from ${minTtlMs} to ${maxTtlMs} (failover takes up to ttl + retry)`,
    ttlMs,
  );
  const maxClockSkewMs = options.maxClockSkewMs ?? Math.min(250, Math.floor(ttlMs / 10));
  check(
    Number.isInteger(maxClockSkewMs) && maxClockSkewMs >= 0 && maxClockSkewMs < ttlMs / 2,
    'maxClockSkewMs must be an integer ≥ 0 and below ttlMs / 2',
    maxClockSkewMs,
  );
  const renewEveryMs = options.renewEveryMs ?? Math.floor(ttlMs / 3);
  check(
    Number.isInteger(renewEveryMs) && renewEveryMs >= 10 && renewEveryMs < ttlMs - maxClockSkewMs,
    'renewEveryMs must be an integer ≥ 10 and below ttlMs - maxClockSkewMs, so renewals land before the deadline',
    renewEveryMs,
  );
  const retryEveryMs = options.retryEveryMs ?? Math.max(10, Math.floor(ttlMs / 8));
  check(
    Number.isInteger(retryEveryMs) && retryEveryMs >= 10 && retryEveryMs <= ttlMs,
    'retryEveryMs must be an integer from 10 to ttlMs',
    retryEveryMs,
  );
  const maxClockJumpMs = options.maxClockJumpMs ?? Math.max(1, Math.floor(maxClockSkewMs / 2));
  check(
    Number.isInteger(maxClockJumpMs) && maxClockJumpMs >= 1,
    'maxClockJumpMs must be a positive integer',
    maxClockJumpMs,
  );
  return {
    backend: options.backend,
    name: options.name,
    owner: options.owner,
    ttlMs,
    renewEveryMs,
    retryEveryMs,
    maxClockSkewMs,
    maxClockJumpMs,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silent,
  };
}
