/** Machine-readable reasons an identity operation failed or a token was turned away. */
export type IdentityErrorCode =
  /** The input does not match its schema; `issues` names the fields. */
  | 'invalid_input'
  /** No user with that id. */
  | 'user_not_found'
  /** The user is disabled: no sign-in, no new tokens, and their tokens stop authenticating. */
  | 'user_disabled'
  /** An admin token was asked for (or presented) by a user who is not an admin. */
  | 'not_admin'
  /** No token with that id. */
  | 'token_not_found'
  /** The bearer string is not `slw_…`, `slj_…` or `slh_…` with a well-formed id and secret. */
  | 'token_malformed'
  /** The secret does not match the stored hash. */
  | 'token_wrong_secret'
  /** The token is past its `expiresAt`. */
  | 'token_expired'
  /** The token was revoked. */
  | 'token_revoked'
  /** A join token with no uses left. */
  | 'token_used_up'
  /** A token was used for something its kind cannot do (a join token as a bearer). */
  | 'token_wrong_kind'
  /** Concurrent writers kept winning; nothing was decided. Retry the call. */
  | 'contention';

/** A field path and message from validation. */
export interface IdentityIssue {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * Base error of this package; switch on `code`. Messages never contain a token's secret.
 * `authenticate` and `redeemJoinToken` do not throw these for a bad token: they return undefined
 * and report the code to the `onRejected` hook.
 */
export class IdentityError extends Error {
  override readonly name = 'IdentityError';
  readonly issues: readonly IdentityIssue[];

  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    options?: { cause?: unknown; issues?: readonly IdentityIssue[] },
  ) {
    super(message, options);
    this.issues = options?.issues ?? [];
  }
}
