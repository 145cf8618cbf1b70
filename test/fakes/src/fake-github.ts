import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodeloadLinks } from './codeload-links.js';
import { FakeGitHubState, type OrgMembership, type RepoRole } from './fake-state.js';
import type { GitRepo } from './git-repo.js';
import { InstallationTokens } from './installation-tokens.js';
import type { AppPermissions } from './permissions.js';
import { API_PREFIX, createRequestHandler } from './request-handler.js';
import { type PathMatcher, type RecordedRequest, RequestLog } from './request-log.js';
import type { FakeApp, FakeUrls, ShapeContext } from './router.js';
import { appManifestRoutes } from './routes/app-manifest-routes.js';
import { appRoutes } from './routes/app-routes.js';
import { checkRunsRoutes } from './routes/check-runs-routes.js';
import { contentsRoutes } from './routes/contents-routes.js';
import { deploymentsRoutes } from './routes/deployments-routes.js';
import { issueCommentsRoutes } from './routes/issue-comments-routes.js';
import { permissionsRoutes } from './routes/permissions-routes.js';
import { pullsRoutes } from './routes/pulls-routes.js';
import { tarballRoutes } from './routes/tarball-routes.js';
import { userRoutes } from './routes/user-routes.js';
import {
  type RepoSelector,
  selectRepo,
  snapshotCheckRuns,
  snapshotComments,
  snapshotDeployments,
} from './state-snapshots.js';
import { UserTokens } from './user-tokens.js';

const ROUTES = [
  ...appRoutes,
  ...contentsRoutes,
  ...tarballRoutes,
  ...checkRunsRoutes,
  ...deploymentsRoutes,
  ...issueCommentsRoutes,
  ...permissionsRoutes,
  ...userRoutes,
  ...pullsRoutes,
  ...appManifestRoutes,
];

export interface StartFakeGitHubOptions {
  /** Default 1001. */
  appId?: number;
  /** Default `slipway`; the bot user is `<slug>[bot]`. */
  appSlug?: string;
  appName?: string;
  /** Default: random per instance. */
  webhookSecret?: string;
  /** The fake's clock in ms (tokens, JWT checks, timestamps). Default `Date.now`. */
  now?: () => number;
  /** Installation token lifetime; default one hour like GitHub. */
  tokenTtlMs?: number;
}

export type { RepoSelector };

/** A running fake GitHub (REST API + codeload) for one test suite. */
export interface FakeGitHub {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** REST base URL, `<url>/api/v3`, as Octokit sees GitHub Enterprise Server. */
  readonly baseUrl: string;
  /** `127.0.0.1:<port>`: probot's `GHE_HOST` (with `GHE_PROTOCOL=http`). */
  readonly host: string;
  readonly appId: number;
  readonly appSlug: string;
  /** PKCS#1 PEM, like the key GitHub lets you download for an app. */
  readonly privateKey: string;
  readonly publicKey: string;
  readonly webhookSecret: string;
  /** Every request received, in order. */
  readonly requests: RequestLog;
  /** Exceptions inside the fake (its own bugs); a test should expect this to stay empty. */
  readonly serverErrors: readonly Error[];
  /** Requests with this method whose API path (no `/api/v3`) equals or matches `path`. */
  callsTo(method: string, path: PathMatcher): RecordedRequest[];
  /** Install the app on an account. Repos are added to it by {@link FakeGitHub.addRepo}. */
  addInstallation(options: {
    account: string;
    accountType?: 'User' | 'Organization';
    permissions?: AppPermissions;
    repositorySelection?: 'all' | 'selected';
  }): { id: number };
  /**
   * Add a repository, backed by a real git repo for contents and tarballs. It joins
   * `installationId`, else the owner's existing installation, else a new one —
   * unless `installed: false`.
   */
  addRepo(options: {
    owner: string;
    name: string;
    git?: GitRepo;
    installationId?: number;
    installed?: boolean;
    private?: boolean;
    defaultBranch?: string;
  }): { id: number; fullName: string; installationId: number | undefined };
  /** Suspend or resume an installation: its tokens then get 403. */
  setInstallationSuspended(installationId: number, suspended: boolean): void;
  /** A user's role on a repo (collaborators/{username}/permission); undefined removes it (→ 404). */
  setCollaborator(options: RepoSelector & { username: string; role: RepoRole | undefined }): void;
  /** A user's org membership (orgs/{org}/memberships/{username}); undefined removes it (→ 404). */
  setOrgMembership(
    options:
      | { org: string; username: string; role?: OrgMembership['role']; state?: OrgMembership['state'] }
      | { org: string; username: string; remove: true },
  ): void;
  /** Seed a comment written by someone else (a human, another bot) on an issue or PR. */
  addIssueComment(options: RepoSelector & { issueNumber: number; body: string; user: string }): {
    id: number;
  };
  /**
   * Sign a user in: mint their OAuth token (`gho_…`, as an OAuth app receives it) for
   * `/user`, `/user/orgs` and `/user/memberships/orgs/{org}` (roles from
   * {@link FakeGitHub.setOrgMembership}). `id` pins the user's numeric id; `scopes` default to
   * `read:org`, `read:user`, `user:email` — leave out `read:org` to see GitHub refuse org data.
   */
  addUserToken(options: { login: string; id?: number; scopes?: readonly string[] }): string;
  /** Revoke a user token (the user signed out or removed the app): it then gets 401. Idempotent. */
  revokeUserToken(token: string): void;
  /** Mint an installation token directly, for tests of code that receives one (builders). */
  createInstallationToken(
    installationId: number,
    options?: { permissions?: AppPermissions; repositoryIds?: number[] },
  ): string;
  /** Check runs as GitHub would return them, oldest first. */
  checkRuns(selector?: RepoSelector): Array<Record<string, unknown>>;
  /** Deployments, oldest first, each with its statuses (oldest first). */
  deployments(
    selector?: RepoSelector,
  ): Array<Record<string, unknown> & { statuses: Array<Record<string, unknown>> }>;
  /** Issue comments, oldest first. */
  comments(selector?: RepoSelector & { issueNumber?: number }): Array<Record<string, unknown>>;
  /** Stop the server. Idempotent. */
  close(): Promise<void>;
}

/**
 * Start a fake GitHub on 127.0.0.1 (random port): a real HTTP server speaking the REST
 * endpoints Slipway uses, with app-JWT and installation-token auth, GitHub's validation
 * and error shapes, contents and tarballs from real git repositories, and a log of every request.
 *
 * @example
 * const fake = await startFakeGitHub();
 * const repo = await createGitRepo({ files: { 'slipway.yaml': 'services: {}\n' } });
 * const { installationId } = fake.addRepo({ owner: 'acme', name: 'web', git: repo });
 * // probot: GHE_HOST=fake.host GHE_PROTOCOL=http APP_ID=fake.appId PRIVATE_KEY=fake.privateKey
 * afterAll(() => Promise.all([fake.close(), repo.remove()]));
 */
export async function startFakeGitHub(options: StartFakeGitHubOptions = {}): Promise<FakeGitHub> {
  const clock = options.now ?? Date.now;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const app: FakeApp = {
    id: options.appId ?? 1001,
    slug: options.appSlug ?? 'slipway',
    name: options.appName ?? 'Slipway',
    publicKey,
  };
  const urls: FakeUrls = { origin: 'http://127.0.0.1', api: `http://127.0.0.1${API_PREFIX}` };
  const state = new FakeGitHubState(clock);
  const tokens = new InstallationTokens(clock, options.tokenTtlMs);
  const userTokens = new UserTokens();
  const codeload = new CodeloadLinks(() => urls.origin, clock);
  const requests = new RequestLog();
  const serverErrors: Error[] = [];
  const handler = createRequestHandler({
    routes: ROUTES,
    log: requests,
    serverErrors,
    state,
    tokens,
    userTokens,
    app,
    urls,
    codeload,
  });

  const server = createServer((request, response) => {
    handler(request, response).catch((error: unknown) => {
      // Only reached if writing the answer itself failed (client went away); keep it visible.
      serverErrors.push(error instanceof Error ? error : new Error(String(error)));
      response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  urls.origin = `http://127.0.0.1:${port}`;
  urls.api = `${urls.origin}${API_PREFIX}`;
  const shapes: ShapeContext = { urls, app, state };

  let closing: Promise<void> | undefined;

  return {
    url: urls.origin,
    baseUrl: urls.api,
    host: `127.0.0.1:${port}`,
    appId: app.id,
    appSlug: app.slug,
    privateKey,
    publicKey,
    webhookSecret: options.webhookSecret ?? randomBytes(20).toString('hex'),
    requests,
    serverErrors,
    callsTo: (method, path) => requests.callsTo(method, path),
    addInstallation(installationOptions) {
      return { id: state.addInstallation(installationOptions).id };
    },
    addRepo(repoOptions) {
      const { repo, installation } = state.addRepoAndInstall(repoOptions);
      return { id: repo.id, fullName: `${repo.owner.login}/${repo.name}`, installationId: installation?.id };
    },
    setInstallationSuspended(installationId, suspended) {
      const installation = state.installations.get(installationId);
      if (!installation) throw new Error(`No installation ${installationId} in the fake.`);
      installation.suspended = suspended;
    },
    setCollaborator({ owner, repo, username, role }) {
      state.setCollaborator(owner, repo, username, role);
    },
    setOrgMembership(membership) {
      if ('remove' in membership) state.setOrgMembership(membership.org, membership.username, undefined);
      else
        state.setOrgMembership(membership.org, membership.username, {
          role: membership.role ?? 'member',
          state: membership.state ?? 'active',
        });
    },
    addIssueComment({ owner, repo, issueNumber, body, user }) {
      const target = selectRepo(state, { owner, repo });
      return { id: state.addComment({ repoId: target.id, issueNumber, body, user: state.account(user) }).id };
    },
    addUserToken({ login, id, scopes }) {
      const user = state.userAccount(login, id);
      return userTokens.issue({ login: user.login, ...(scopes ? { scopes } : {}) }).token;
    },
    revokeUserToken(token) {
      if (!userTokens.revoke(token))
        throw new Error('No such user token in the fake; mint one with addUserToken().');
    },
    createInstallationToken(installationId, tokenOptions = {}) {
      const installation = state.installations.get(installationId);
      if (!installation) throw new Error(`No installation ${installationId} in the fake.`);
      return tokens.issue({
        installationId,
        ...(tokenOptions.repositoryIds ? { repositoryIds: tokenOptions.repositoryIds } : {}),
        permissions: tokenOptions.permissions ?? { ...installation.permissions },
      }).token;
    },
    checkRuns: (selector) => snapshotCheckRuns(shapes, selector),
    deployments: (selector) => snapshotDeployments(shapes, selector),
    comments: (selector) => snapshotComments(shapes, selector),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Octokit's fetch keeps connections alive; without this close() would wait for them to idle out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
