import type { StoredToken } from './token-record.js';

/**
 * Where `TokenService.authenticate` may keep token records between requests, so a caller that
 * comes back every few seconds (an agent's heartbeat) does not cost a state-store read each time.
 *
 * The cache only spares the read: the secret, revocation and expiry are still checked against the
 * clock on every request. Its owner must drop an entry as soon as the record at `tokens/<id>.json`
 * is written anywhere (revoked, redeemed), on every process that caches it — see
 * {@link tokenIdOfKey} — and should not keep misses (an unknown id may be created a moment later).
 *
 * @example
 * const tokens = new TokenService({ store, users, recordCache: myReplicaCache });
 */
export interface TokenRecordCache {
  /** The record kept for `tokenId`, else what `load` reads from the store (which it may keep). */
  get(tokenId: string, load: () => Promise<StoredToken | undefined>): Promise<StoredToken | undefined>;
}
