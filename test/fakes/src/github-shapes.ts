import type { Account, Installation, OrgMembership, Repo } from './fake-state.js';
import type { FakeApp, FakeUrls, ShapeContext } from './router.js';

/** The organization that owns the fake app (GitHub's `app.owner`). */
const APP_OWNER = 'slipway-test';

/** GitHub's node ids are opaque base64 strings; tests only need them stable and distinct. */
export function nodeId(kind: string, id: number): string {
  return Buffer.from(`0:${kind}${id}`).toString('base64');
}

/** A user/organization as GitHub embeds it (`owner`, `user`, `account`). */
export function accountJson(urls: FakeUrls, account: Account): Record<string, unknown> {
  const path = account.type === 'Organization' ? 'orgs' : 'users';
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type, account.id),
    avatar_url: `${urls.origin}/avatars/${account.login}`,
    url: `${urls.api}/${path}/${account.login}`,
    html_url: `${urls.origin}/${account.login}`,
    type: account.type,
    site_admin: false,
  };
}

/** The signed-in user (`GET /user`): the embedded account plus the profile fields. */
export function authenticatedUserJson(urls: FakeUrls, user: Account): Record<string, unknown> {
  return {
    ...accountJson(urls, user),
    gravatar_id: '',
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
  };
}

/** An organization as GitHub lists it (`organization-simple`: `GET /user/orgs`, memberships). */
export function organizationJson(urls: FakeUrls, org: Account): Record<string, unknown> {
  const url = `${urls.api}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId('Organization', org.id),
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: `${urls.origin}/avatars/${org.login}`,
    description: null,
  };
}

/** A user's membership of an org (`org-membership`), the same from either membership endpoint. */
export function orgMembershipJson(
  urls: FakeUrls,
  org: Account,
  user: Account,
  membership: OrgMembership,
): Record<string, unknown> {
  return {
    url: `${urls.api}/orgs/${org.login}/memberships/${user.login}`,
    state: membership.state,
    role: membership.role,
    organization_url: `${urls.api}/orgs/${org.login}`,
    organization: organizationJson(urls, org),
    user: accountJson(urls, user),
  };
}

/** The bot account an app's installation tokens act as, e.g. `slipway[bot]`. */
export function botAccount(app: FakeApp): Account {
  return { id: 900_000 + app.id, login: `${app.slug}[bot]`, type: 'Bot' };
}

/** The app as GitHub embeds it (`GET /app`, `check_run.app`, `performed_via_github_app`). */
export function appJson(context: ShapeContext): Record<string, unknown> {
  const { urls, app } = context;
  const owner = context.state.account(APP_OWNER, 'Organization');
  return {
    id: app.id,
    slug: app.slug,
    client_id: `Iv1.${app.slug}`,
    node_id: nodeId('App', app.id),
    owner: accountJson(urls, owner),
    name: app.name,
    description: `${app.name} (fake GitHub App for tests)`,
    external_url: urls.origin,
    html_url: `${urls.origin}/apps/${app.slug}`,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    permissions: {},
    events: [],
  };
}

export function installationJson(
  urls: FakeUrls,
  app: FakeApp,
  installation: Installation,
): Record<string, unknown> {
  return {
    id: installation.id,
    account: accountJson(urls, installation.account),
    repository_selection: installation.repositorySelection,
    access_tokens_url: `${urls.api}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.origin}/organizations/${installation.account.login}/settings/installations/${installation.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: installation.account.id,
    target_type: installation.account.type,
    permissions: installation.permissions,
    events: installation.events,
    created_at: installation.createdAt,
    updated_at: installation.createdAt,
    single_file_name: null,
    suspended_by: null,
    suspended_at: installation.suspended ? installation.createdAt : null,
  };
}

export function repoUrl(urls: FakeUrls, repo: Repo): string {
  return `${urls.api}/repos/${repo.owner.login}/${repo.name}`;
}

export function repoHtmlUrl(urls: FakeUrls, repo: Repo): string {
  return `${urls.origin}/${repo.owner.login}/${repo.name}`;
}

export function repoJson(urls: FakeUrls, repo: Repo): Record<string, unknown> {
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: `${repo.owner.login}/${repo.name}`,
    owner: accountJson(urls, repo.owner),
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    html_url: repoHtmlUrl(urls, repo),
    url: repoUrl(urls, repo),
    clone_url: `${repoHtmlUrl(urls, repo)}.git`,
    default_branch: repo.defaultBranch,
    archived: false,
    disabled: false,
    fork: false,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
  };
}
