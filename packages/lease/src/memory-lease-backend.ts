import { checkRequest } from './check-request.js';
import type {
  AcquireRequest,
  AcquireResult,
  LeaseBackend,
  LeaseRecord,
  ReleaseRequest,
  ReleaseResult,
  RenewRequest,
  RenewResult,
} from './lease-backend.js';

/**
 * In-process lease store for local mode (one controller process) and unit tests. Same semantics
 * as the DynamoDB backend; each call is atomic because it runs to completion on the event loop.
 *
 * @example
 * const backend = new MemoryLeaseBackend();
 * const r = await backend.tryAcquire({ name: 'controller', owner: 'a', ttlMs: 4000, now: Date.now() });
 */
export class MemoryLeaseBackend implements LeaseBackend {
  readonly #leases = new Map<string, LeaseRecord>();

  async tryAcquire(request: AcquireRequest): Promise<AcquireResult> {
    checkRequest(request);
    request.signal?.throwIfAborted();
    const old = this.#leases.get(request.name);
    if (old && old.expiresAt >= request.now && old.owner !== request.owner) {
      return { acquired: false, holder: { ...old } };
    }
    const lease: LeaseRecord = {
      name: request.name,
      owner: request.owner,
      epoch: (old?.epoch ?? 0) + 1,
      expiresAt: request.now + request.ttlMs,
    };
    this.#leases.set(request.name, lease);
    return { acquired: true, lease: { ...lease } };
  }

  async renew(request: RenewRequest): Promise<RenewResult> {
    checkRequest(request);
    request.signal?.throwIfAborted();
    const old = this.#leases.get(request.name);
    if (!old || old.owner !== request.owner || old.epoch !== request.epoch) {
      return old ? { ok: false, holder: { ...old } } : { ok: false };
    }
    const lease = { ...old, expiresAt: request.now + request.ttlMs };
    this.#leases.set(request.name, lease);
    return { ok: true, lease: { ...lease } };
  }

  async release(request: ReleaseRequest): Promise<ReleaseResult> {
    checkRequest(request);
    request.signal?.throwIfAborted();
    const old = this.#leases.get(request.name);
    if (!old || old.owner !== request.owner || old.epoch !== request.epoch) return { released: false };
    this.#leases.set(request.name, { ...old, expiresAt: 0 });
    return { released: true };
  }

  async read(name: string, options: { signal?: AbortSignal } = {}): Promise<LeaseRecord | undefined> {
    options.signal?.throwIfAborted();
    const lease = this.#leases.get(name);
    return lease ? { ...lease } : undefined;
  }
}
