import { authorizeRepo } from '../authorize.js';
import type { CheckRunRecord } from '../fake-records.js';
import type { Repo } from '../fake-state.js';
import { GitHubError, invalidRequest, notFound } from '../github-error.js';
import { appJson, nodeId, repoHtmlUrl, repoUrl } from '../github-shapes.js';
import { paginate } from '../pagination.js';
import { json, type Route, type RouteContext, route, type ShapeContext } from '../router.js';
import { type CheckRunInput, validateCheckRunInput } from './check-run-validation.js';
import { resolveCommitOr422 } from './resolve-commit.js';

/** A check run as GitHub returns it. */
export function checkRunJson(
  context: ShapeContext,
  repo: Repo,
  run: CheckRunRecord,
): Record<string, unknown> {
  const url = `${repoUrl(context.urls, repo)}/check-runs/${run.id}`;
  return {
    id: run.id,
    node_id: nodeId('CheckRun', run.id),
    name: run.name,
    head_sha: run.headSha,
    external_id: run.externalId ?? '',
    url,
    html_url: `${repoHtmlUrl(context.urls, repo)}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    check_suite: { id: run.checkSuiteId },
    app: appJson(context),
    pull_requests: [],
  };
}

function findRun(context: RouteContext, repo: Repo): CheckRunRecord {
  const id = Number(context.params.check_run_id);
  const run = context.state.checkRuns.find(
    (candidate) => candidate.id === id && candidate.repoId === repo.id,
  );
  if (!run) throw notFound(`no check run ${context.params.check_run_id} in ${repo.owner.login}/${repo.name}`);
  return run;
}

/** Apply the fields of a validated body, with GitHub's rules linking status, conclusion and times. */
function applyInput(run: CheckRunRecord, input: CheckRunInput, now: string): void {
  if (input.name !== undefined) run.name = input.name;
  if (input.details_url !== undefined) run.detailsUrl = input.details_url;
  if (input.external_id !== undefined) run.externalId = input.external_id;
  if (input.started_at !== undefined) run.startedAt = input.started_at;
  if (input.status !== undefined && input.status !== 'completed') {
    run.status = input.status;
    run.conclusion = null;
    run.completedAt = null;
  }
  // Providing a conclusion completes the run, whatever status says.
  const completing =
    input.conclusion !== undefined || input.status === 'completed' || input.completed_at !== undefined;
  if (completing) {
    const conclusion = input.conclusion ?? run.conclusion;
    if (!conclusion) throw invalidRequest(['"conclusion" wasn\'t supplied.']);
    run.status = 'completed';
    run.conclusion = conclusion;
    run.completedAt = input.completed_at ?? run.completedAt ?? now;
  }
  if (input.output) {
    run.output = {
      title: input.output.title,
      summary: input.output.summary,
      text: input.output.text ?? run.output.text,
    };
    // GitHub appends annotations across updates; each request may add up to 50.
    run.annotations.push(...(input.output.annotations ?? []));
  }
  if (input.actions !== undefined) run.actions = input.actions;
}

async function createCheckRun(context: RouteContext) {
  const { repo } = authorizeRepo(context, { checks: 'write' });
  const input = validateCheckRunInput(context.body, 'create');
  const headSha = input.head_sha ?? '';
  if (!/^[0-9a-f]{40}$/.test(headSha) || (await resolveCommitOr422(repo, headSha)) !== headSha) {
    throw new GitHubError({ status: 422, message: `No commit found for SHA: ${headSha}` });
  }
  const now = context.state.nowIso();
  const run: CheckRunRecord = {
    id: context.state.nextId('checkRun'),
    repoId: repo.id,
    name: input.name ?? '',
    headSha,
    status: 'queued',
    conclusion: null,
    detailsUrl: null,
    externalId: null,
    startedAt: now,
    completedAt: null,
    output: { title: null, summary: null, text: null },
    annotations: [],
    actions: [],
    checkSuiteId: context.state.checkSuiteId(repo.id, headSha),
    createdAt: now,
  };
  applyInput(run, input, now);
  context.state.checkRuns.push(run);
  return json(201, checkRunJson(context, repo, run));
}

function updateCheckRun(context: RouteContext) {
  const { repo } = authorizeRepo(context, { checks: 'write' });
  const run = findRun(context, repo);
  const input = validateCheckRunInput(context.body, 'update');
  // Validate on a copy so a rejected update leaves the stored run untouched.
  const updated: CheckRunRecord = { ...run, output: { ...run.output }, annotations: [...run.annotations] };
  applyInput(updated, input, context.state.nowIso());
  Object.assign(run, updated);
  return json(200, checkRunJson(context, repo, run));
}

async function listForRef(context: RouteContext) {
  const { repo } = authorizeRepo(context, { checks: 'read' });
  const sha = await resolveCommitOr422(repo, context.params.ref ?? '');
  const name = context.query.get('check_name');
  const status = context.query.get('status');
  const filter = context.query.get('filter') ?? 'latest';
  if (filter !== 'latest' && filter !== 'all') {
    throw invalidRequest([`For 'filter', ${JSON.stringify(filter)} is not one of ["latest", "all"].`]);
  }
  const newestFirst = context.state.checkRuns
    .filter((run) => run.repoId === repo.id && run.headSha === sha)
    .filter((run) => (name === null || run.name === name) && (status === null || run.status === status))
    .sort((a, b) => b.id - a.id);
  const runs =
    filter === 'all'
      ? newestFirst
      : newestFirst.filter(
          (run, index) => newestFirst.findIndex((other) => other.name === run.name) === index,
        );
  const page = paginate(runs, context.url);
  return json(
    200,
    { total_count: runs.length, check_runs: page.items.map((run) => checkRunJson(context, repo, run)) },
    page.headers,
  );
}

/** Check runs: create, update, read, list by ref, annotations — validated like GitHub. */
export const checkRunsRoutes: Route[] = [
  route('POST', '/repos/:owner/:repo/check-runs', createCheckRun),
  route('PATCH', '/repos/:owner/:repo/check-runs/:check_run_id', updateCheckRun),
  route('GET', '/repos/:owner/:repo/check-runs/:check_run_id', (context) => {
    const { repo } = authorizeRepo(context, { checks: 'read' });
    return json(200, checkRunJson(context, repo, findRun(context, repo)));
  }),
  route('GET', '/repos/:owner/:repo/check-runs/:check_run_id/annotations', (context) => {
    const { repo } = authorizeRepo(context, { checks: 'read' });
    const page = paginate(findRun(context, repo).annotations, context.url);
    return json(200, page.items, page.headers);
  }),
  route('GET', '/repos/:owner/:repo/commits/*ref/check-runs', listForRef),
];
