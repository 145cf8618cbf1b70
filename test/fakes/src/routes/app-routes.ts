import { authorizeApp, authorizeInstallation, tokenReaches } from '../authorize.js';
import type { Installation, Repo } from '../fake-state.js';
import { GitHubError, notFound } from '../github-error.js';
import { appJson, installationJson, repoJson } from '../github-shapes.js';
import { paginate } from '../pagination.js';
import { type AppPermissions, covers, isPermissionLevel } from '../permissions.js';
import { json, type Route, type RouteContext, route } from '../router.js';

function installationById(context: RouteContext): Installation {
  const id = Number(context.params.installation_id);
  const installation = context.state.installations.get(id);
  if (!installation)
    throw notFound(`no installation ${context.params.installation_id}; add one with fake.addInstallation()`);
  return installation;
}

function requestedRepos(
  context: RouteContext,
  installation: Installation,
  body: Record<string, unknown>,
): Repo[] | undefined {
  const { repositories, repository_ids: repositoryIds } = body;
  if (repositories === undefined && repositoryIds === undefined) return undefined;
  const available = context.state.reposOfInstallation(installation);
  const names = Array.isArray(repositories) ? repositories : [];
  const ids = Array.isArray(repositoryIds) ? repositoryIds : [];
  const picked = [
    ...names.map((name) => available.find((repo) => repo.name.toLowerCase() === String(name).toLowerCase())),
    ...ids.map((id) => available.find((repo) => repo.id === Number(id))),
  ];
  if (picked.some((repo) => repo === undefined)) {
    throw new GitHubError({
      status: 422,
      message:
        'There is at least one repository that does not exist or is not accessible to the parent installation.',
      reason: `asked for ${JSON.stringify({ repositories, repository_ids: repositoryIds })}`,
    });
  }
  return [...new Set(picked as Repo[])];
}

function requestedPermissions(installation: Installation, body: Record<string, unknown>): AppPermissions {
  if (body.permissions === undefined) return { ...installation.permissions };
  const wanted = body.permissions as Record<string, unknown>;
  const valid =
    typeof wanted === 'object' &&
    wanted !== null &&
    Object.values(wanted).every((level) => isPermissionLevel(level));
  if (!valid || !covers(installation.permissions, wanted as AppPermissions)) {
    throw new GitHubError({
      status: 422,
      message: 'The permissions requested are not granted to this installation.',
      reason: `asked for ${JSON.stringify(wanted)}; installation has ${JSON.stringify(installation.permissions)}`,
    });
  }
  return { ...(wanted as AppPermissions) };
}

function createAccessToken(context: RouteContext) {
  authorizeApp(context);
  const installation = installationById(context);
  if (installation.suspended)
    throw new GitHubError({ status: 403, message: 'This installation has been suspended' });
  const body = (context.body ?? {}) as Record<string, unknown>;
  const repos = requestedRepos(context, installation, body);
  const permissions = requestedPermissions(installation, body);
  const issued = context.tokens.issue({
    installationId: installation.id,
    ...(repos ? { repositoryIds: repos.map((repo) => repo.id) } : {}),
    permissions,
  });
  return json(201, {
    token: issued.token,
    expires_at: new Date(issued.expiresAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    permissions,
    repository_selection: repos ? 'selected' : installation.repositorySelection,
    ...(repos ? { repositories: repos.map((repo) => repoJson(context.urls, repo)) } : {}),
  });
}

function installationOr404(context: RouteContext, installation: Installation | undefined, what: string) {
  authorizeApp(context);
  if (!installation) throw notFound(`the app is not installed on ${what}`);
  return json(200, installationJson(context.urls, context.app, installation));
}

/** 403 in GitHub's words for a user token on an endpoint only an installation may call. */
function installationOnly(message: string, login: string): GitHubError {
  return new GitHubError({
    status: 403,
    message,
    reason: `${login}'s user token was sent; this endpoint needs an installation token`,
  });
}

/** App-level endpoints (app JWT) and the installation-token housekeeping ones. */
export const appRoutes: Route[] = [
  route('GET', '/app', (context) => {
    authorizeApp(context);
    return json(200, appJson(context));
  }),
  route('GET', '/app/installations', (context) => {
    authorizeApp(context);
    const all = [...context.state.installations.values()].map((installation) =>
      installationJson(context.urls, context.app, installation),
    );
    const page = paginate(all, context.url);
    return json(200, page.items, page.headers);
  }),
  route('GET', '/app/installations/:installation_id', (context) => {
    authorizeApp(context);
    return json(200, installationJson(context.urls, context.app, installationById(context)));
  }),
  route('POST', '/app/installations/:installation_id/access_tokens', createAccessToken),
  route('GET', '/repos/:owner/:repo/installation', (context) => {
    const repo = context.state.findRepo(context.params.owner ?? '', context.params.repo ?? '');
    const installation = repo ? context.state.installationForRepo(repo) : undefined;
    return installationOr404(context, installation, `${context.params.owner}/${context.params.repo}`);
  }),
  route('GET', '/orgs/:org/installation', (context) =>
    installationOr404(
      context,
      context.state.installationForAccount(context.params.org ?? ''),
      context.params.org ?? '',
    ),
  ),
  route('GET', '/users/:username/installation', (context) =>
    installationOr404(
      context,
      context.state.installationForAccount(context.params.username ?? ''),
      context.params.username ?? '',
    ),
  ),
  route('GET', '/installation/repositories', (context) => {
    const caller = authorizeInstallation(context, ({ user }) =>
      installationOnly(
        'You must authenticate with an installation access token in order to list repositories for an installation.',
        user.login,
      ),
    );
    const repos = context.state
      .reposOfInstallation(caller.installation)
      .filter((repo) => tokenReaches(context, caller, repo));
    const page = paginate(repos, context.url);
    return json(
      200,
      {
        total_count: repos.length,
        repository_selection: caller.installation.repositorySelection,
        repositories: page.items.map((repo) => repoJson(context.urls, repo)),
      },
      page.headers,
    );
  }),
  route('DELETE', '/installation/token', (context) => {
    const caller = authorizeInstallation(context, ({ user }) =>
      installationOnly(
        'You must authenticate with an installation access token in order to revoke it',
        user.login,
      ),
    );
    context.tokens.revoke(caller.token.token);
    return { status: 204 };
  }),
];
