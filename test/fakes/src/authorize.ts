import { verifyAppJwt } from './app-jwt.js';
import type { Account, Installation, Repo } from './fake-state.js';
import { badCredentials, GitHubError, notFound } from './github-error.js';
import type { IssuedToken } from './installation-tokens.js';
import { type PermissionNeed, satisfies } from './permissions.js';
import type { RouteContext } from './router.js';
import type { IssuedUserToken } from './user-tokens.js';

function credentials(context: RouteContext): { scheme: string; value: string } | undefined {
  const header = context.headers.authorization;
  if (!header) return undefined;
  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  return { scheme: scheme.toLowerCase(), value };
}

/**
 * Require an app JWT (`authorization: bearer <jwt>`), as GitHub does on `/app/...` endpoints.
 * Throws 401 in GitHub's wording when it is missing or invalid (a user or installation token
 * included: it is not a JWT).
 */
export function authorizeApp(context: RouteContext): void {
  const given = credentials(context);
  if (given?.scheme !== 'bearer') {
    throw new GitHubError({
      status: 401,
      message: 'A JSON web token could not be decoded',
      reason: 'this endpoint needs an app JWT in "authorization: bearer <jwt>"',
    });
  }
  verifyAppJwt({
    jwt: given.value,
    appId: context.app.id,
    publicKey: context.app.publicKey,
    nowSeconds: Math.floor(context.state.nowMs() / 1000),
  });
}

/** A caller holding a valid installation token. */
export interface InstallationCaller {
  token: IssuedToken;
  installation: Installation;
}

/** A caller holding a valid user OAuth token. */
export interface UserCaller {
  token: IssuedUserToken;
  user: Account;
}

/** Who is calling, told apart by the token they hold. */
export type Caller = ({ kind: 'installation' } & InstallationCaller) | ({ kind: 'user' } & UserCaller);

/**
 * Identify the caller from `authorization: token <t>` (GitHub also takes `bearer`): an
 * installation token or a user's OAuth token. Missing → 401 "Requires authentication";
 * unknown, expired or revoked → 401 "Bad credentials"; suspended installation → 403.
 */
export function authenticate(context: RouteContext): Caller {
  const given = credentials(context);
  if (!given) {
    throw new GitHubError({
      status: 401,
      message: 'Requires authentication',
      reason: 'no authorization header; send "authorization: token <installation or user token>"',
    });
  }
  if (given.scheme !== 'token' && given.scheme !== 'bearer') {
    throw badCredentials(`authorization scheme "${given.scheme}" is not token or bearer`);
  }
  if (given.value.split('.').length === 3) {
    throw badCredentials('an app JWT was sent where an installation or user token is needed');
  }
  const user = context.userTokens.check(given.value);
  if (user === 'revoked') throw badCredentials('the user token was revoked (fake.revokeUserToken)');
  if (user !== 'unknown') {
    return { kind: 'user', token: user, user: context.state.userAccount(user.login) };
  }
  const checked = context.tokens.check(given.value);
  if (checked === 'unknown') throw badCredentials('the fake issued no such installation or user token');
  if (typeof checked === 'string') throw badCredentials(`the installation token is ${checked}`);
  const installation = context.state.installations.get(checked.installationId);
  if (!installation) throw badCredentials('the installation of this token was removed');
  if (installation.suspended) {
    throw new GitHubError({
      status: 403,
      message: 'This installation has been suspended',
      reason: 'suspended',
    });
  }
  return { kind: 'installation', token: checked, installation };
}

/**
 * Require a valid installation token. A user's token is refused with `refuseUser`'s error,
 * because each installation-only endpoint turns users away in its own words on GitHub.
 */
export function authorizeInstallation(
  context: RouteContext,
  refuseUser: (caller: UserCaller) => GitHubError,
): InstallationCaller {
  const caller = authenticate(context);
  if (caller.kind === 'user') throw refuseUser(caller);
  return { token: caller.token, installation: caller.installation };
}

/** True when the token (and its installation) reaches this repo. */
export function tokenReaches(context: RouteContext, caller: InstallationCaller, repo: Repo): boolean {
  if (!context.state.installationCovers(caller.installation, repo)) return false;
  return caller.token.repositoryIds === undefined || caller.token.repositoryIds.includes(repo.id);
}

/**
 * Require an installation token that reaches `:owner/:repo` with the needed permissions.
 * A repo the token cannot reach is a 404, as on GitHub (its existence is not revealed);
 * a reachable repo without the permission is 403 "Resource not accessible by integration".
 * User tokens reach no repository in the fake: 404, as GitHub answers for a private repo
 * the token cannot see (the fake does not model users' own repo access).
 */
export function authorizeRepo(
  context: RouteContext,
  need: PermissionNeed,
): InstallationCaller & { repo: Repo } {
  const owner = context.params.owner ?? '';
  const name = context.params.repo ?? '';
  const caller = authorizeInstallation(context, ({ user }) =>
    notFound(
      `${user.login}'s user token: the fake gives user tokens no repository access (${owner}/${name})`,
    ),
  );
  const repo = context.state.findRepo(owner, name);
  if (!repo) throw notFound(`no repository ${owner}/${name} in the fake; add it with fake.addRepo()`);
  if (!tokenReaches(context, caller, repo)) {
    throw notFound(`installation ${caller.installation.id}'s token does not reach ${owner}/${name}`);
  }
  if (!satisfies(caller.token.permissions, need)) {
    throw new GitHubError({
      status: 403,
      message: 'Resource not accessible by integration',
      reason: `needs ${JSON.stringify(need)}; the token has ${JSON.stringify(caller.token.permissions)}`,
    });
  }
  return { ...caller, repo };
}
