import { createHash } from 'node:crypto';
import { assertKeySegment } from '@slipway/state';
import { escapeKeySegment } from './key-segment.js';
import type { IdentityProvider } from './user.js';

/**
 * Where this package keeps its documents in the state store (none under `tenants/`, which is the
 * tenants' own data; tenant ids appear in the token index keys instead):
 *
 * ```
 * users/<user>.json                                 User
 * identities/<provider>/<subject>.json              {user}: who an identity belongs to (claimed with ifNoneMatch)
 * emails/<sha256 of the lower-cased address>.json   {user}: who a VERIFIED address belongs to (claimed with ifNoneMatch)
 * tokens/<token id>.json                            token record: sha256 / HMAC of the secret, never the secret
 * token-index/users/<user>/<token id>.json          {id, kind}: a user's API tokens
 * token-index/tenants/<tenant>/<kind>/<token id>.json   {id, kind}: tokens scoped to a tenant
 * bootstrap/admin.json                              the bootstrap admin marker
 * ```
 * `<user>` and `<subject>` are escaped with `escapeKeySegment` (`github:12345` → `github_3A12345`).
 */
export const USERS_PREFIX = 'users/';

export function userKey(userId: string): string {
  return `${USERS_PREFIX}${escapeKeySegment(userId)}.json`;
}

export function identityKey(provider: IdentityProvider, subject: string): string {
  return `identities/${provider}/${escapeKeySegment(subject)}.json`;
}

/** Addresses are hashed so the key neither leaks nor has to escape them. */
export function emailKey(address: string): string {
  return `emails/${createHash('sha256').update(address.trim().toLowerCase()).digest('hex')}.json`;
}

export function tokenKey(tokenId: string): string {
  assertKeySegment(tokenId, 'token id');
  return `tokens/${tokenId}.json`;
}

const TOKEN_KEY = /^tokens\/([^/]+)\.json$/;

/** The token id a state key holds the record of (`tokens/<id>.json`), else undefined. */
export function tokenIdOfKey(key: string): string | undefined {
  return TOKEN_KEY.exec(key)?.[1];
}

export const USER_TOKEN_INDEX_PREFIX = 'token-index/users/';

export function userTokensPrefix(userId: string): string {
  return `${USER_TOKEN_INDEX_PREFIX}${escapeKeySegment(userId)}/`;
}

export function tenantTokensPrefix(tenant: string, kind: string): string {
  assertKeySegment(tenant, 'tenant id');
  return `token-index/tenants/${tenant}/${kind}/`;
}

export const BOOTSTRAP_ADMIN_KEY = 'bootstrap/admin.json';
