import type { IdentityErrorCode } from './identity-error.js';
import type { ParsedToken, SecretHasher } from './token-format.js';
import type { StoredToken } from './token-record.js';

/**
 * Why the stored `record` does not accept the presented token at `now`, or undefined when it does.
 * The secret is checked first, so only the token's holder can learn that it expired or was revoked.
 */
export function tokenRejection(
  record: StoredToken | undefined,
  presented: ParsedToken,
  hasher: SecretHasher,
  now: number,
): IdentityErrorCode | undefined {
  if (!record) return 'token_not_found';
  // Ids are unique across kinds, so this is a token whose prefix was edited.
  if (record.kind !== presented.kind) return 'token_wrong_kind';
  if (!hasher.matches(presented.secret, record.hash)) return 'token_wrong_secret';
  if (record.revokedAt !== undefined) return 'token_revoked';
  if (record.kind !== 'host' && now >= Date.parse(record.expiresAt)) return 'token_expired';
  if (record.kind === 'join' && record.remainingUses <= 0) return 'token_used_up';
  return undefined;
}
