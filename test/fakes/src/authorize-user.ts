import { authenticate, type UserCaller } from './authorize.js';
import { GitHubError, notAccessibleByIntegration } from './github-error.js';
import type { RouteContext } from './router.js';

/**
 * OAuth scopes that let a user token read organization memberships: GitHub's accepted list
 * for `GET /user/orgs` (`read:org` or anything above it, `user`, `repo`).
 */
export const ORG_READ_SCOPES: readonly string[] = ['admin:org', 'read:org', 'repo', 'user', 'write:org'];

/** A user caller and the headers GitHub adds to answers for OAuth tokens. */
export interface AuthorizedUser extends UserCaller {
  /** `x-oauth-scopes` (what the token has) and `x-accepted-oauth-scopes` (what the endpoint takes). */
  headers: Record<string, string>;
}

function scopeHeaders(caller: UserCaller, accepted: readonly string[]): Record<string, string> {
  return {
    'x-oauth-scopes': caller.token.scopes.join(', '),
    'x-accepted-oauth-scopes': accepted.join(', '),
  };
}

/**
 * Require a user's OAuth token, as GitHub's `/user/...` endpoints do. An installation token
 * gets 403 "Resource not accessible by integration" (there is no user behind it); with
 * `scopes`, a token holding none of them gets 403 `forbiddenMessage`.
 */
export function authorizeUser(
  context: RouteContext,
  options: { scopes?: readonly string[]; forbiddenMessage?: string } = {},
): AuthorizedUser {
  const caller = authenticate(context);
  const endpoint = `${context.method} ${context.url.pathname}`;
  if (caller.kind === 'installation') {
    throw notAccessibleByIntegration(
      `${endpoint} acts as a user: send the user's OAuth token (fake.addUserToken), not installation ${caller.installation.id}'s`,
    );
  }
  const accepted = options.scopes ?? [];
  const headers = scopeHeaders(caller, accepted);
  if (accepted.length > 0 && !caller.token.scopes.some((scope) => accepted.includes(scope))) {
    throw new GitHubError({
      status: 403,
      message: options.forbiddenMessage ?? 'Forbidden',
      reason: `${endpoint} needs one of the scopes ${accepted.join(', ')}; the token has ${caller.token.scopes.join(', ') || 'none'}`,
      headers,
    });
  }
  return { ...caller, headers };
}
