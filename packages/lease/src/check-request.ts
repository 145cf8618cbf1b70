import { LeaseError } from './lease-error.js';

/** Rejects requests no backend could store meaningfully, before any I/O. */
export function checkRequest(request: { name: string; owner: string; ttlMs?: number; now?: number }): void {
  if (request.name.length === 0)
    throw new LeaseError('LEASE_INVALID_OPTIONS', 'lease name must not be empty');
  if (request.owner.length === 0)
    throw new LeaseError('LEASE_INVALID_OPTIONS', 'lease owner must not be empty');
  if (request.ttlMs !== undefined && !(Number.isInteger(request.ttlMs) && request.ttlMs > 0)) {
    throw new LeaseError('LEASE_INVALID_OPTIONS', `ttlMs must be a positive integer, got ${request.ttlMs}`);
  }
  if (request.now !== undefined && !Number.isFinite(request.now)) {
    throw new LeaseError(
      'LEASE_INVALID_OPTIONS',
      `now must be a finite wall-clock time in ms, got ${request.now}`,
    );
  }
}
