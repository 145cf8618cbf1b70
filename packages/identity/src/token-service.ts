import { ConflictError, type StateStore } from '@slipway/state';
import { IdentityError, type IdentityErrorCode } from './identity-error.js';
import { USER_TOKEN_INDEX_PREFIX } from './identity-keys.js';
import { isoTime, parseInput } from './parse-input.js';
import type { Principal } from './principal.js';
import { tokenRejection } from './token-check.js';
import {
  API_TOKEN_DEFAULT_TTL_MS,
  API_TOKEN_MAX_TTL_MS,
  JOIN_TOKEN_DEFAULT_TTL_MS,
  JOIN_TOKEN_MAX_TTL_MS,
  resolveExpiry,
} from './token-expiry.js';
import {
  formatToken,
  newTokenId,
  newTokenSecret,
  parseToken,
  SecretHasher,
  type TokenKind,
} from './token-format.js';
import {
  type ApiTokenRecord,
  type HostTokenRecord,
  type JoinTokenRecord,
  publicRecord,
  type StoredApiToken,
  type StoredHostToken,
  type StoredJoinToken,
  type StoredToken,
  type TokenRecord,
  type WithoutHash,
} from './token-record.js';
import type { TokenRecordCache } from './token-record-cache.js';
import {
  apiTokenInputSchema,
  type CreateApiTokenInput,
  type CreatedToken,
  type CreateHostTokenInput,
  type CreateJoinTokenInput,
  hostTokenInputSchema,
  type JoinRedemption,
  joinTokenInputSchema,
} from './token-requests.js';
import { TokenStore } from './token-store.js';
import type { UserDirectory } from './user-directory.js';

/** A token turned away by `authenticate` or `redeemJoinToken`: safe to log (no secret). */
export interface TokenRejection {
  code: IdentityErrorCode;
  kind?: TokenKind;
  tokenId?: string;
}

export interface TokenServiceOptions {
  store: StateStore;
  /** Where the tokens' users are looked up (admin and disabled checks). */
  users: UserDirectory;
  /** Server-side secret (≥ 16 bytes): secrets are then stored as HMAC-SHA256, not SHA-256. Changing it invalidates every token. */
  pepper?: string | Uint8Array;
  /** Wall clock in ms, used when a call passes no `now`. Default `Date.now`. */
  clock?: () => number;
  /** Told why each bad token was turned away (metrics, audit logs). Never receives a secret. */
  onRejected?: (rejection: TokenRejection) => void;
  /** Keeps records between `authenticate` calls (see {@link TokenRecordCache}). Default: read every time. */
  recordCache?: TokenRecordCache;
}

/** Tries at drawing a fresh token id (a collision of 80 random bits is not expected, ever). */
const ID_ATTEMPTS = 3;
/** Rounds of the join-token decrement: each round at least one concurrent redeemer wins. */
const REDEEM_ATTEMPTS = 25;

/**
 * Creates, checks and revokes the three kinds of bearer tokens (see README.md): `slw_` API tokens
 * of users, `slj_` join tokens that let a host register, `slh_` host tokens of agents. Only a hash
 * of each secret is stored; the plaintext is returned once, by the `create…` call.
 *
 * It authenticates (who is this?) and reports roles; it does not authorize — routes decide.
 *
 * @example
 * const tokens = new TokenService({ store, users });
 * const { token } = await tokens.createApiToken({ user: 'github:12345', name: 'laptop CLI' });
 * const principal = await tokens.authenticate(request.headers.authorization ?? '');
 */
export class TokenService {
  readonly #users: UserDirectory;
  readonly #records: TokenStore;
  readonly #hasher: SecretHasher;
  readonly #clock: () => number;
  readonly #onRejected: ((rejection: TokenRejection) => void) | undefined;
  readonly #recordCache: TokenRecordCache | undefined;

  constructor(options: TokenServiceOptions) {
    this.#users = options.users;
    this.#records = new TokenStore(options.store);
    this.#hasher = new SecretHasher(options.pepper);
    this.#clock = options.clock ?? Date.now;
    this.#onRejected = options.onRejected;
    this.#recordCache = options.recordCache;
  }

  /**
   * A new API token for `user`: unscoped (acts with the user's memberships), tenant-scoped
   * (`tenant` + `role`, capped by the user's membership), or `admin` (admin users only).
   * Throws `user_not_found`, `user_disabled`, `not_admin` or `invalid_input`.
   */
  async createApiToken(input: CreateApiTokenInput): Promise<CreatedToken<ApiTokenRecord>> {
    const request = parseInput(apiTokenInputSchema, input, 'API token request');
    const now = request.now ?? this.#clock();
    const user = await this.#users.get(request.user);
    if (!user)
      throw new IdentityError(
        'user_not_found',
        `No user "${request.user}"; users are created by signing in.`,
      );
    if (user.disabledAt !== undefined) {
      throw new IdentityError('user_disabled', `User "${user.id}" is disabled and cannot get tokens.`);
    }
    if (request.admin && !user.admin) {
      throw new IdentityError(
        'not_admin',
        `User "${user.id}" is not an admin, so cannot have an admin token.`,
      );
    }
    const expiresAt = resolveExpiry({
      now,
      expiresAt: request.expiresAt,
      defaultTtlMs: API_TOKEN_DEFAULT_TTL_MS,
      maxTtlMs: API_TOKEN_MAX_TTL_MS,
      what: 'API token',
    });
    return this.#create('api', (id, hash) => ({
      id,
      kind: 'api',
      hash,
      name: request.name,
      user: user.id,
      admin: request.admin,
      ...(request.tenant !== undefined ? { tenant: request.tenant, role: request.role } : {}),
      createdAt: isoTime(now),
      expiresAt: isoTime(expiresAt),
    }));
  }

  /** A new join token: lets `uses` hosts register into `tenant` until it expires (default a day). */
  async createJoinToken(input: CreateJoinTokenInput): Promise<CreatedToken<JoinTokenRecord>> {
    const request = parseInput(joinTokenInputSchema, input, 'join token request');
    const now = request.now ?? this.#clock();
    const expiresAt = resolveExpiry({
      now,
      expiresAt: request.expiresAt,
      defaultTtlMs: JOIN_TOKEN_DEFAULT_TTL_MS,
      maxTtlMs: JOIN_TOKEN_MAX_TTL_MS,
      what: 'join token',
    });
    return this.#create('join', (id, hash) => ({
      id,
      kind: 'join',
      hash,
      tenant: request.tenant,
      createdBy: request.createdBy,
      uses: request.uses,
      remainingUses: request.uses,
      createdAt: isoTime(now),
      expiresAt: isoTime(expiresAt),
    }));
  }

  /**
   * Uses one use of a join token. Concurrent redemptions are decided by conditional writes: of N
   * racing redeemers of a token with k uses left, exactly min(N, k) succeed. Undefined when the token
   * is malformed, unknown, wrong, expired, revoked or used up (the reason goes to `onRejected`).
   */
  async redeemJoinToken(token: string, options: { now?: number } = {}): Promise<JoinRedemption | undefined> {
    const now = options.now ?? this.#clock();
    const presented = parseToken(token);
    if (!presented) return this.#reject({ code: 'token_malformed' });
    if (presented.kind !== 'join') return this.#reject({ code: 'token_wrong_kind', kind: presented.kind });
    let rejected: IdentityErrorCode | undefined;
    let written: StoredToken | undefined;
    try {
      written = await this.#records.update(
        presented.id,
        (current) => {
          rejected = tokenRejection(current, presented, this.#hasher, now);
          if (rejected || current?.kind !== 'join') return undefined;
          return { ...current, remainingUses: current.remainingUses - 1, lastRedeemedAt: isoTime(now) };
        },
        { attempts: REDEEM_ATTEMPTS },
      );
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      throw new IdentityError('contention', 'Too many hosts redeemed this join token at once; retry.', {
        cause: error,
      });
    }
    if (rejected || written?.kind !== 'join') {
      return this.#reject({ code: rejected ?? 'token_not_found', kind: 'join', tokenId: presented.id });
    }
    return { tenant: written.tenant, joinTokenId: written.id, remainingUses: written.remainingUses };
  }

  /** A new host token for `host` of `tenant`: no expiry; revoke it when the host goes. */
  async createHostToken(input: CreateHostTokenInput): Promise<CreatedToken<HostTokenRecord>> {
    const request = parseInput(hostTokenInputSchema, input, 'host token request');
    const now = request.now ?? this.#clock();
    return this.#create('host', (id, hash) => ({
      id,
      kind: 'host',
      hash,
      tenant: request.tenant,
      host: request.host,
      createdAt: isoTime(now),
    }));
  }

  /**
   * Who presents `bearer` (a token, optionally after `Bearer `): a user through an API token or a
   * host through its host token. Undefined when the token is malformed, unknown, wrong, expired,
   * revoked, a join token, its user is missing or disabled, or it is an admin token of a user who
   * is no longer admin. One read for the record (none when `recordCache` has it), one for the user.
   * Expiry and revocation are checked against `now` on every call. Throws only when the store fails.
   */
  async authenticate(bearer: string, options: { now?: number } = {}): Promise<Principal | undefined> {
    const now = options.now ?? this.#clock();
    const presented = parseToken(bearer);
    if (!presented) return this.#reject({ code: 'token_malformed' });
    const { kind, id: tokenId } = presented;
    if (kind === 'join') return this.#reject({ code: 'token_wrong_kind', kind, tokenId });
    const load = () => this.#records.get(tokenId);
    const record = await (this.#recordCache ? this.#recordCache.get(tokenId, load) : load());
    const rejected = tokenRejection(record, presented, this.#hasher, now);
    if (rejected || !record) return this.#reject({ code: rejected ?? 'token_not_found', kind, tokenId });
    if (record.kind === 'host') return { kind: 'host', tenant: record.tenant, host: record.host, tokenId };
    if (record.kind !== 'api') return this.#reject({ code: 'token_wrong_kind', kind, tokenId });
    const user = await this.#users.get(record.user);
    if (!user) return this.#reject({ code: 'user_not_found', kind, tokenId });
    if (user.disabledAt !== undefined) return this.#reject({ code: 'user_disabled', kind, tokenId });
    if (record.admin && !user.admin) return this.#reject({ code: 'not_admin', kind, tokenId });
    return {
      kind: 'user',
      user,
      tokenId,
      admin: record.admin,
      ...(record.tenant !== undefined && record.role !== undefined
        ? { scope: { tenant: record.tenant, role: record.role } }
        : {}),
    };
  }

  /**
   * Revokes any kind of token (idempotent: revoking again keeps the first `revokedAt`). Throws
   * `token_not_found` for an unknown id. It does not check who may revoke: the route does.
   */
  async revoke(tokenId: string, options: { now?: number; by: string }): Promise<TokenRecord> {
    const revokedAt = isoTime(options.now ?? this.#clock());
    const stored = await this.#records.update(tokenId, (current) => {
      if (!current) throw new IdentityError('token_not_found', `No token "${tokenId}".`);
      return current.revokedAt !== undefined ? undefined : { ...current, revokedAt, revokedBy: options.by };
    });
    return publicRecord(stored!);
  }

  /** The record of a token (without its hash), or undefined. */
  async getToken(tokenId: string): Promise<TokenRecord | undefined> {
    const record = await this.#records.get(tokenId);
    return record && publicRecord(record);
  }

  /**
   * API tokens (revoked and expired ones too), oldest first: a user's, a tenant's scoped ones, a
   * user's scoped to a tenant, or with neither every user's.
   */
  async listApiTokens(filter: { user?: string; tenant?: string } = {}): Promise<ApiTokenRecord[]> {
    const { user, tenant } = filter;
    const records =
      user !== undefined
        ? await this.#records.listOfUser(user)
        : tenant !== undefined
          ? await this.#records.listOfTenant(tenant, 'api')
          : await this.#records.listUnder(USER_TOKEN_INDEX_PREFIX);
    return records
      .filter((record): record is StoredApiToken => record.kind === 'api')
      .filter(
        (record) =>
          (user === undefined || record.user === user) && (tenant === undefined || record.tenant === tenant),
      )
      .map(publicRecord);
  }

  /** A tenant's join tokens (used-up, expired and revoked ones too), oldest first. */
  async listJoinTokens(tenant: string): Promise<JoinTokenRecord[]> {
    const records = await this.#records.listOfTenant(tenant, 'join');
    return records
      .filter((record): record is StoredJoinToken => record.kind === 'join' && record.tenant === tenant)
      .map(publicRecord);
  }

  /** A tenant's host tokens (revoked ones too), oldest first. */
  async listHostTokens(tenant: string): Promise<HostTokenRecord[]> {
    const records = await this.#records.listOfTenant(tenant, 'host');
    return records
      .filter((record): record is StoredHostToken => record.kind === 'host' && record.tenant === tenant)
      .map(publicRecord);
  }

  async #create<R extends StoredToken>(
    kind: TokenKind,
    recordOf: (id: string, hash: string) => R,
  ): Promise<CreatedToken<WithoutHash<R>>> {
    for (let attempt = 1; ; attempt++) {
      const id = newTokenId();
      const secret = newTokenSecret();
      const record = recordOf(id, this.#hasher.hash(secret));
      try {
        await this.#records.create(record);
        return { token: formatToken({ kind, id, secret }), record: publicRecord(record) };
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= ID_ATTEMPTS) throw error;
      }
    }
  }

  #reject(rejection: TokenRejection): undefined {
    this.#onRejected?.(rejection);
    return undefined;
  }
}
