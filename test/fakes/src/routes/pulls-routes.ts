import { authorizeRepo } from '../authorize.js';
import type { Account, FakeGitHubState, Repo } from '../fake-state.js';
import { GitHubError, notFound } from '../github-error.js';
import { accountJson, botAccount, nodeId, repoHtmlUrl, repoJson, repoUrl } from '../github-shapes.js';
import type { PermissionNeed } from '../permissions.js';
import { json, type Route, type RouteContext, route, type ShapeContext } from '../router.js';
import { asObject } from './body-checks.js';
import { gitOf } from './resolve-commit.js';

const READ: PermissionNeed = { pull_requests: 'read' };
const WRITE: PermissionNeed = { pull_requests: 'write' };

/** One pull request. The head sha follows the head branch while the PR is open, as on GitHub. */
interface PullRecord {
  id: number;
  number: number;
  baseRepoId: number;
  headRepoId: number;
  headRef: string;
  baseRef: string;
  title: string;
  body: string | null;
  draft: boolean;
  state: 'open' | 'closed';
  user: Account;
  /** The head commit when the PR was closed (a closed PR stops following its branch). */
  closedHeadSha: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

// The fake's state has no pull requests of its own; they live beside it, one list per fake.
const pullsOf = new WeakMap<FakeGitHubState, PullRecord[]>();
function pulls(state: FakeGitHubState): PullRecord[] {
  let list = pullsOf.get(state);
  if (!list) {
    list = [];
    pullsOf.set(state, list);
  }
  return list;
}

function validationFailed(
  field: string | undefined,
  code: 'missing_field' | 'invalid' | 'custom',
  message?: string,
) {
  return new GitHubError({
    status: 422,
    message: 'Validation Failed',
    errors: [{ resource: 'PullRequest', code, ...(field ? { field } : {}), ...(message ? { message } : {}) }],
  });
}

async function branchSha(repo: Repo, ref: string, field: 'head' | 'base'): Promise<string> {
  const sha = await gitOf(repo).resolveRef(`refs/heads/${ref}`);
  if (!sha) throw validationFailed(field, 'invalid');
  return sha;
}

async function pullJson(
  context: ShapeContext,
  base: Repo,
  pull: PullRecord,
): Promise<Record<string, unknown>> {
  const head = context.state.repoById(pull.headRepoId);
  const headSha =
    pull.closedHeadSha ?? (head ? await gitOf(head).resolveRef(`refs/heads/${pull.headRef}`) : undefined);
  const baseSha = await gitOf(base).resolveRef(`refs/heads/${pull.baseRef}`);
  const side = (repo: Repo | undefined, ref: string, sha: string | undefined) => ({
    label: `${repo?.owner.login ?? 'unknown'}:${ref}`,
    ref,
    sha: sha ?? null,
    user: repo ? accountJson(context.urls, repo.owner) : null,
    // A cross-repository PR's head is a fork; a deleted fork is `null`, as on GitHub.
    repo: repo ? { ...repoJson(context.urls, repo), fork: repo.id !== base.id } : null,
  });
  const url = `${repoUrl(context.urls, base)}/pulls/${pull.number}`;
  return {
    url,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: `${repoHtmlUrl(context.urls, base)}/pull/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    body: pull.body,
    user: accountJson(context.urls, pull.user),
    draft: pull.draft,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: null,
    merged: false,
    head: side(head, pull.headRef, headSha),
    base: side(base, pull.baseRef, baseSha),
  };
}

function findPull(context: RouteContext, repo: Repo): PullRecord {
  const number = Number(context.params.pull_number);
  const pull = pulls(context.state).find(
    (candidate) => candidate.baseRepoId === repo.id && candidate.number === number,
  );
  if (!pull)
    throw notFound(`no pull request #${context.params.pull_number} in ${repo.owner.login}/${repo.name}`);
  return pull;
}

/**
 * `head` is `branch` (same repository) or `owner:branch` (a fork: the repository of that owner
 * named `head_repo`, else named like the base). The fork must be in the fake (`addRepo`, no
 * installation needed) and share the base's git, so its commits are visible from the base, as
 * GitHub makes them through `refs/pull/<n>/head`.
 */
function headRepoOf(context: RouteContext, base: Repo, head: string, headRepo: unknown): [Repo, string] {
  const colon = head.indexOf(':');
  if (colon < 0) return [base, head];
  const owner = head.slice(0, colon);
  const name = typeof headRepo === 'string' ? headRepo : base.name;
  const fork = context.state.findRepo(owner, name);
  if (!fork) throw validationFailed('head', 'invalid', `no repository ${owner}/${name} in the fake`);
  return [fork, head.slice(colon + 1)];
}

/** Pull requests: create, read, and open/close (enough for the GitHub App to check a PR's state). */
export const pullsRoutes: Route[] = [
  route('POST', '/repos/:owner/:repo/pulls', async (context) => {
    const { repo } = authorizeRepo(context, WRITE);
    const body = asObject(context.body) ?? {};
    for (const field of ['title', 'head', 'base'] as const) {
      if (typeof body[field] !== 'string' || body[field] === '')
        throw validationFailed(field, 'missing_field');
    }
    const [head, headRef] = headRepoOf(context, repo, body.head as string, body.head_repo);
    const baseRef = body.base as string;
    const [headSha, baseSha] = [
      await branchSha(head, headRef, 'head'),
      await branchSha(repo, baseRef, 'base'),
    ];
    if (headSha === baseSha) {
      throw validationFailed(undefined, 'custom', `No commits between ${baseRef} and ${body.head as string}`);
    }
    const list = pulls(context.state);
    const now = context.state.nowIso();
    const pull: PullRecord = {
      // GitHub numbers PRs and issues together per repository; the fake models no issues.
      id: 8_000_001 + list.length,
      number: list.filter((other) => other.baseRepoId === repo.id).length + 1,
      baseRepoId: repo.id,
      headRepoId: head.id,
      headRef,
      baseRef,
      title: body.title as string,
      body: typeof body.body === 'string' ? body.body : null,
      draft: body.draft === true,
      state: 'open',
      user: botAccount(context.app),
      closedHeadSha: null,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    list.push(pull);
    return json(201, await pullJson(context, repo, pull));
  }),
  route('GET', '/repos/:owner/:repo/pulls/:pull_number', async (context) => {
    const { repo } = authorizeRepo(context, READ);
    return json(200, await pullJson(context, repo, findPull(context, repo)));
  }),
  route('PATCH', '/repos/:owner/:repo/pulls/:pull_number', async (context) => {
    const { repo } = authorizeRepo(context, WRITE);
    const pull = findPull(context, repo);
    const body = asObject(context.body) ?? {};
    if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed') {
      throw validationFailed('state', 'invalid');
    }
    const now = context.state.nowIso();
    if (body.state === 'closed' && pull.state === 'open') {
      const head = context.state.repoById(pull.headRepoId);
      pull.closedHeadSha = (head ? await gitOf(head).resolveRef(`refs/heads/${pull.headRef}`) : null) ?? null;
      pull.closedAt = now;
      pull.state = 'closed';
    } else if (body.state === 'open' && pull.state === 'closed') {
      pull.closedHeadSha = null;
      pull.closedAt = null;
      pull.state = 'open';
    }
    if (typeof body.title === 'string') pull.title = body.title;
    if (typeof body.body === 'string') pull.body = body.body;
    pull.updatedAt = now;
    return json(200, await pullJson(context, repo, pull));
  }),
];
