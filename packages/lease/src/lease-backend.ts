/** What a backend stores per lease name. `expiresAt` is wall-clock ms; 0 means released. */
export interface LeaseRecord {
  name: string;
  owner: string;
  /** Fencing token: grows by one on every successful acquire, never reused, never reset. */
  epoch: number;
  expiresAt: number;
}

interface LeaseCall {
  /** Lease name, e.g. `controller`. */
  name: string;
  /** Unique per process incarnation (e.g. `host:pid:random`): a restarted process must not reuse it. */
  owner: string;
  /** Aborts the call; a backend rejects with the abort reason and leaves the outcome unknown. */
  signal?: AbortSignal;
}

export interface AcquireRequest extends LeaseCall {
  ttlMs: number;
  /** The caller's wall clock (ms): the lease is free when its `expiresAt` is before this. */
  now: number;
}

export interface RenewRequest extends LeaseCall {
  epoch: number;
  ttlMs: number;
  now: number;
}

export interface ReleaseRequest extends LeaseCall {
  epoch: number;
}

export type AcquireResult =
  | { acquired: true; lease: LeaseRecord }
  /** `holder` is the record that refused us, when the backend could read it. */
  | { acquired: false; holder?: LeaseRecord };

export type RenewResult = { ok: true; lease: LeaseRecord } | { ok: false; holder?: LeaseRecord };

export interface ReleaseResult {
  /** False when that owner and epoch no longer match (someone took over). Releasing twice is harmless. */
  released: boolean;
}

/**
 * A store of leases with compare-and-set semantics. Every implementation passes the same contract
 * suite (`describeLeaseBackendContract`). Refusals are results; only an unknown outcome throws
 * (a `LeaseError` or the abort reason).
 *
 * - `tryAcquire` succeeds when the lease is missing, expired (`expiresAt < now`) or already ours,
 *   and always moves `epoch` to `old + 1`, so every leadership term gets a new fencing token.
 * - `renew` extends `expiresAt` only while `owner` and `epoch` still match.
 * - `release` sets `expiresAt` to 0 only while `owner` and `epoch` match; the record (and its
 *   epoch) stays, so the next holder's token is still larger.
 */
export interface LeaseBackend {
  tryAcquire(request: AcquireRequest): Promise<AcquireResult>;
  renew(request: RenewRequest): Promise<RenewResult>;
  release(request: ReleaseRequest): Promise<ReleaseResult>;
  /** The stored record (strongly consistent), or undefined if the lease was never taken. */
  read(name: string, options?: { signal?: AbortSignal }): Promise<LeaseRecord | undefined>;
}
