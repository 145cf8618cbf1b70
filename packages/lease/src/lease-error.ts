/** Machine-readable reasons a lease operation failed. */
export type LeaseErrorCode =
  /** Options given to a backend or elector are out of range; the message names the option. */
  | 'LEASE_INVALID_OPTIONS'
  /** The backend could not be reached or answered with an unexpected error. */
  | 'LEASE_BACKEND_FAILED'
  /** The lease table does not exist. */
  | 'LEASE_TABLE_MISSING'
  /** A backend call did not answer before its deadline. */
  | 'LEASE_TIMEOUT'
  /** `start()` on an elector that was stopped; create a new one. */
  | 'LEASE_ELECTOR_STOPPED';

/**
 * The one error type of this package. A refused acquire or a lost renewal is NOT an error
 * (they are ordinary results); this is thrown only when the answer is unknown or the input is wrong.
 */
export class LeaseError extends Error {
  override readonly name = 'LeaseError';

  constructor(
    readonly code: LeaseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
