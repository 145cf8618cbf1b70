import type {
  CheckRunRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  IssueCommentRecord,
} from './fake-records.js';
import type { GitRepo } from './git-repo.js';
import { type AppPermissions, DEFAULT_APP_PERMISSIONS } from './permissions.js';

/** A user or organization account. */
export interface Account {
  id: number;
  login: string;
  type: 'User' | 'Organization' | 'Bot';
}

export interface Installation {
  id: number;
  account: Account;
  repositorySelection: 'all' | 'selected';
  /** Repos explicitly in a 'selected' installation. */
  repositoryIds: Set<number>;
  permissions: AppPermissions;
  events: string[];
  createdAt: string;
  suspended: boolean;
}

export interface Repo {
  id: number;
  owner: Account;
  name: string;
  private: boolean;
  defaultBranch: string;
  /** Where contents and tarballs come from; without it those endpoints answer 404. */
  git: GitRepo | undefined;
  createdAt: string;
}

/** Repository roles GitHub reports through `collaborators/{username}/permission`. */
export type RepoRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface OrgMembership {
  role: 'admin' | 'member';
  state: 'active' | 'pending';
}

/** Ids of each kind start in their own range so that passing one kind's id as another's gives a 404. */
const ID_BASES = {
  account: 10_001,
  installation: 100_001,
  repo: 200_001,
  checkRun: 4_000_001,
  checkSuite: 4_500_001,
  deployment: 5_000_001,
  deploymentStatus: 6_000_001,
  comment: 7_000_001,
} as const;

type IdKind = keyof typeof ID_BASES;

const key = (...parts: Array<string | number>): string =>
  parts.map((part) => String(part).toLowerCase()).join('/');

/**
 * Everything the fake knows: accounts, installations, repos, and what the app wrote
 * (check runs, deployments, statuses, comments). Route handlers read and change it;
 * tests read it through the FakeGitHub handle.
 */
export class FakeGitHubState {
  readonly accounts = new Map<string, Account>();
  readonly installations = new Map<number, Installation>();
  readonly repos = new Map<string, Repo>();
  readonly checkRuns: CheckRunRecord[] = [];
  readonly deployments: DeploymentRecord[] = [];
  readonly deploymentStatuses: DeploymentStatusRecord[] = [];
  readonly comments: IssueCommentRecord[] = [];
  /** Keyed by `owner/repo/username`, lower case. */
  readonly collaborators = new Map<string, RepoRole>();
  /** Keyed by `org/username`, lower case. */
  readonly orgMemberships = new Map<string, OrgMembership>();
  private readonly nextIds = new Map<IdKind, number>();
  private readonly checkSuites = new Map<string, number>();

  constructor(private readonly clock: () => number) {}

  /** Current time of the fake's clock as GitHub's ISO format (no milliseconds). */
  nowIso(): string {
    return new Date(this.clock()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  nowMs(): number {
    return this.clock();
  }

  nextId(kind: IdKind): number {
    const id = this.nextIds.get(kind) ?? ID_BASES[kind];
    this.nextIds.set(kind, id + 1);
    return id;
  }

  /** The account with this login, created on first use. */
  account(login: string, type: Account['type'] = 'User'): Account {
    const existing = this.accounts.get(key(login));
    if (existing) return existing;
    let id = this.nextId('account');
    // A test may have given a user a chosen id (userAccount); never hand it out twice.
    while ([...this.accounts.values()].some((other) => other.id === id)) id = this.nextId('account');
    const account: Account = { id, login, type };
    this.accounts.set(key(login), account);
    return account;
  }

  addInstallation(options: {
    account: string;
    accountType?: 'User' | 'Organization';
    permissions?: AppPermissions;
    repositorySelection?: 'all' | 'selected';
    events?: string[];
  }): Installation {
    const account = this.account(options.account, options.accountType ?? 'Organization');
    account.type = options.accountType ?? account.type;
    const installation: Installation = {
      id: this.nextId('installation'),
      account,
      repositorySelection: options.repositorySelection ?? 'selected',
      repositoryIds: new Set(),
      permissions: { ...(options.permissions ?? DEFAULT_APP_PERMISSIONS) },
      events: options.events ?? ['push', 'pull_request', 'check_run', 'check_suite', 'installation'],
      createdAt: this.nowIso(),
      suspended: false,
    };
    this.installations.set(installation.id, installation);
    return installation;
  }

  addRepo(options: {
    owner: string;
    name: string;
    git?: GitRepo;
    private?: boolean;
    defaultBranch?: string;
  }): Repo {
    if (this.repos.has(key(options.owner, options.name))) {
      throw new Error(
        `Repository ${options.owner}/${options.name} already exists in the fake; add it once per suite.`,
      );
    }
    const repo: Repo = {
      id: this.nextId('repo'),
      owner: this.account(options.owner, 'Organization'),
      name: options.name,
      private: options.private ?? true,
      defaultBranch: options.defaultBranch ?? options.git?.branch ?? 'main',
      git: options.git,
      createdAt: this.nowIso(),
    };
    this.repos.set(key(options.owner, options.name), repo);
    return repo;
  }

  /**
   * Add a repo and put it in `installationId`, else the owner's installation, else a new
   * one for the owner — unless `installed` is false.
   */
  addRepoAndInstall(
    options: Parameters<FakeGitHubState['addRepo']>[0] & { installationId?: number; installed?: boolean },
  ): { repo: Repo; installation: Installation | undefined } {
    let installation: Installation | undefined;
    if (options.installationId !== undefined) {
      installation = this.installations.get(options.installationId);
      if (!installation)
        throw new Error(`No installation ${options.installationId}; create it with addInstallation() first.`);
    }
    const repo = this.addRepo(options);
    if (options.installed === false) return { repo, installation: undefined };
    installation ??=
      this.installationForAccount(options.owner) ?? this.addInstallation({ account: options.owner });
    installation.repositoryIds.add(repo.id);
    return { repo, installation };
  }

  addComment(options: {
    repoId: number;
    issueNumber: number;
    body: string;
    user: Account;
  }): IssueCommentRecord {
    const now = this.nowIso();
    const comment: IssueCommentRecord = {
      id: this.nextId('comment'),
      ...options,
      createdAt: now,
      updatedAt: now,
    };
    this.comments.push(comment);
    return comment;
  }

  findRepo(owner: string, name: string): Repo | undefined {
    return this.repos.get(key(owner, name));
  }

  repoById(id: number): Repo | undefined {
    return [...this.repos.values()].find((repo) => repo.id === id);
  }

  /** True when the installation can see the repo at all. */
  installationCovers(installation: Installation, repo: Repo): boolean {
    if (installation.repositorySelection === 'all') return installation.account.id === repo.owner.id;
    return installation.repositoryIds.has(repo.id);
  }

  installationForRepo(repo: Repo): Installation | undefined {
    return [...this.installations.values()].find((installation) =>
      this.installationCovers(installation, repo),
    );
  }

  installationForAccount(login: string): Installation | undefined {
    return [...this.installations.values()].find(
      (installation) => key(installation.account.login) === key(login),
    );
  }

  reposOfInstallation(installation: Installation): Repo[] {
    return [...this.repos.values()].filter((repo) => this.installationCovers(installation, repo));
  }

  /** GitHub puts all runs of one app on one commit into one check suite. */
  checkSuiteId(repoId: number, headSha: string): number {
    const suiteKey = key(repoId, headSha);
    const existing = this.checkSuites.get(suiteKey);
    if (existing !== undefined) return existing;
    const id = this.nextId('checkSuite');
    this.checkSuites.set(suiteKey, id);
    return id;
  }

  setCollaborator(owner: string, repo: string, username: string, role: RepoRole | undefined): void {
    if (role === undefined) this.collaborators.delete(key(owner, repo, username));
    else this.collaborators.set(key(owner, repo, username), role);
    this.account(username, 'User');
  }

  collaboratorRole(owner: string, repo: string, username: string): RepoRole | undefined {
    return this.collaborators.get(key(owner, repo, username));
  }

  setOrgMembership(org: string, username: string, membership: OrgMembership | undefined): void {
    if (membership === undefined) this.orgMemberships.delete(key(org, username));
    else this.orgMemberships.set(key(org, username), membership);
    // Both accounts exist from here on, so the user endpoints can name the org as it was spelled.
    this.account(org, 'Organization');
    this.account(username, 'User');
  }

  orgMembership(org: string, username: string): OrgMembership | undefined {
    return this.orgMemberships.get(key(org, username));
  }

  /** The user's memberships (active and pending), ordered by org login. */
  orgMembershipsOf(username: string): Array<{ org: Account; membership: OrgMembership }> {
    const suffix = `/${key(username)}`;
    return [...this.orgMemberships.entries()]
      .filter(([membershipKey]) => membershipKey.endsWith(suffix))
      .map(([membershipKey, membership]) => ({
        org: this.account(membershipKey.slice(0, -suffix.length), 'Organization'),
        membership,
      }))
      .sort((a, b) => a.org.login.localeCompare(b.org.login));
  }

  /**
   * The user account with this login, created on first use; with `id`, the account takes
   * that id (a test mirroring a real user). Throws when the login is an organization or
   * another account already has the id.
   */
  userAccount(login: string, id?: number): Account {
    const account = this.account(login, 'User');
    if (account.type !== 'User') {
      throw new Error(
        `${login} is an ${account.type} in the fake; only users sign in and hold OAuth tokens.`,
      );
    }
    if (id !== undefined && id !== account.id) {
      const holder = [...this.accounts.values()].find((other) => other.id === id);
      if (holder) throw new Error(`Account id ${id} already belongs to ${holder.login} in the fake.`);
      account.id = id;
    }
    return account;
  }
}
