import { timestampSchema } from '@slipway/core';
import { ConflictError, Repository } from '@slipway/state';
import { z } from 'zod';
import { BOOTSTRAP_ADMIN_KEY } from './identity-keys.js';
import { isoTime } from './parse-input.js';
import type { ApiTokenRecord } from './token-record.js';
import type { TokenService } from './token-service.js';
import type { User } from './user.js';
import type { UserDirectory } from './user-directory.js';

/** The id of the admin the bootstrap creates. */
export const BOOTSTRAP_ADMIN_ID = 'local:admin';
/** A claim older than this, whose token never got written, is taken to be from a bootstrap that died. */
const DEFAULT_STALE_AFTER_MS = 60_000;

const markerSchema = z.object({
  /** claimed: a bootstrap is under way; done: an admin exists (made here or found). */
  state: z.enum(['claimed', 'done']),
  user: z.string().min(1),
  claimedAt: timestampSchema,
  tokenId: z.string().optional(),
});
type Marker = z.infer<typeof markerSchema>;

export interface BootstrapAdminOptions {
  users: UserDirectory;
  tokens: TokenService;
  now?: number;
  /** Expiry (ms) of the admin token; default that of API tokens (90 days). */
  expiresAt?: number;
  /** After how long an unfinished claim of another process may be taken over. Default 60 s. */
  staleAfterMs?: number;
}

/** The first admin: the plaintext token (shown once, to whoever started the platform) and its records. */
export interface BootstrappedAdmin {
  token: string;
  user: User;
  record: ApiTokenRecord;
}

/**
 * Makes sure the platform has an admin. When none exists and no bootstrap has run, creates the user
 * `local:admin` (admin) and an admin API token, and returns the plaintext token, once. Otherwise
 * returns undefined. Safe to call on every start and from every replica at once: the
 * `bootstrap/admin.json` marker is claimed with a conditional create, so only one caller ever gets
 * a token. If that caller dies half-way, a later call after `staleAfterMs` takes over.
 *
 * @example
 * const admin = await bootstrapAdmin({ users, tokens });
 * if (admin) process.stdout.write(`Admin token (shown once): ${admin.token}\n`);
 */
export async function bootstrapAdmin(options: BootstrapAdminOptions): Promise<BootstrappedAdmin | undefined> {
  const { users, tokens } = options;
  const now = options.now ?? Date.now();
  const markers = new Repository<Marker>({
    store: users.store,
    schema: markerSchema,
    kind: 'bootstrap marker',
    keyOf: () => BOOTSTRAP_ADMIN_KEY,
  });
  const marker = await markers.get(BOOTSTRAP_ADMIN_KEY);
  if (marker) {
    const age = now - Date.parse(marker.value.claimedAt);
    if (marker.value.state === 'done' || age < (options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS))
      return undefined;
  } else {
    const admin = await users.findAdmin();
    if (admin) {
      await createUnlessPresent(markers, { state: 'done', user: admin.id, claimedAt: isoTime(now) });
      return undefined;
    }
  }

  const claim: Marker = { state: 'claimed', user: BOOTSTRAP_ADMIN_ID, claimedAt: isoTime(now) };
  let claimEtag: string;
  try {
    claimEtag = marker
      ? (await markers.replace(claim, { ifMatch: marker.etag })).etag
      : (await markers.create(claim)).etag;
  } catch (error) {
    if (error instanceof ConflictError) return undefined; // another caller claimed it first
    throw error;
  }

  await users.signIn({
    provider: 'local',
    subject: 'admin',
    name: 'Administrator',
    emailVerified: false,
    now,
  });
  const user = await users.setAdmin(BOOTSTRAP_ADMIN_ID, true);
  const created = await tokens.createApiToken({
    user: user.id,
    name: 'bootstrap admin',
    admin: true,
    now,
    ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
  });
  try {
    await markers.replace({ ...claim, state: 'done', tokenId: created.record.id }, { ifMatch: claimEtag });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // We were too slow and another caller took the claim over: its token is the one; withdraw ours.
    await tokens.revoke(created.record.id, { now, by: 'bootstrap' });
    return undefined;
  }
  return { token: created.token, user, record: created.record };
}

async function createUnlessPresent(markers: Repository<Marker>, marker: Marker): Promise<void> {
  try {
    await markers.create(marker);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}
