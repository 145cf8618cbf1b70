import type {
  AcquireRequest,
  AcquireResult,
  LeaseBackend,
  LeaseRecord,
  ReleaseRequest,
  ReleaseResult,
  RenewRequest,
  RenewResult,
} from '../lease-backend.js';
import { LeaseError } from '../lease-error.js';

/** How a `SwitchableLeaseBackend` answers: pass through, fail fast, or never answer (until aborted). */
export type BackendMode = 'working' | 'failing' | 'hanging';

/**
 * Test double for outages: forwards to a real backend, which can be swapped (`use`), or stops
 * answering (`mode`). Not a mock: the lease semantics always come from a real backend.
 */
export class SwitchableLeaseBackend implements LeaseBackend {
  mode: BackendMode = 'working';
  calls = 0;

  constructor(private target: LeaseBackend) {}

  /** Sends later calls to another backend (e.g. one pointed at an unreachable endpoint). */
  use(target: LeaseBackend): void {
    this.target = target;
  }

  tryAcquire(request: AcquireRequest): Promise<AcquireResult> {
    return this.#forward(request.signal, () => this.target.tryAcquire(request));
  }

  renew(request: RenewRequest): Promise<RenewResult> {
    return this.#forward(request.signal, () => this.target.renew(request));
  }

  release(request: ReleaseRequest): Promise<ReleaseResult> {
    return this.#forward(request.signal, () => this.target.release(request));
  }

  read(name: string, options: { signal?: AbortSignal } = {}): Promise<LeaseRecord | undefined> {
    return this.#forward(options.signal, () => this.target.read(name, options));
  }

  async #forward<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    this.calls += 1;
    if (this.mode === 'failing') {
      throw new LeaseError('LEASE_BACKEND_FAILED', 'simulated outage: the lease backend is unreachable');
    }
    if (this.mode === 'hanging') {
      return new Promise<T>((_, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    return call();
  }
}
