import { authorizeRepo } from '../authorize.js';
import type { DeploymentRecord, DeploymentStatusRecord } from '../fake-records.js';
import type { Repo } from '../fake-state.js';
import { GitHubError, invalidRequest, notFound } from '../github-error.js';
import { paginate } from '../pagination.js';
import { json, type Route, type RouteContext, route } from '../router.js';
import {
  asObject,
  checkBoolean,
  checkEnum,
  checkString,
  checkUrl,
  type Problems,
  requireFields,
} from './body-checks.js';
import { deploymentJson, statusJson } from './deployment-shapes.js';
import { resolveCommit } from './resolve-commit.js';

export const DEPLOYMENT_STATES = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
] as const;
const PASSING_CONCLUSIONS = new Set(['success', 'neutral', 'skipped']);

function findDeployment(context: RouteContext, repo: Repo): DeploymentRecord {
  const id = Number(context.params.deployment_id);
  const deployment = context.state.deployments.find(
    (candidate) => candidate.id === id && candidate.repoId === repo.id,
  );
  if (!deployment)
    throw notFound(`no deployment ${context.params.deployment_id} in ${repo.owner.login}/${repo.name}`);
  return deployment;
}

/**
 * GitHub refuses a deployment while the commit's contexts are not all green, unless the
 * caller names the contexts it needs (`required_contexts`, `[]` for none). The fake's
 * contexts are the latest check run of each name on the commit.
 */
function assertContextsPass(
  context: RouteContext,
  repo: Repo,
  sha: string,
  ref: string,
  required: unknown,
): void {
  const latest = new Map<string, string>();
  for (const run of [...context.state.checkRuns].sort((a, b) => a.id - b.id)) {
    if (run.repoId === repo.id && run.headSha === sha) latest.set(run.name, run.conclusion ?? run.status);
  }
  const names = Array.isArray(required) ? required.map(String) : [...latest.keys()];
  const failing = names
    .map((name) => ({ context: name, state: latest.get(name) ?? 'missing' }))
    .filter((entry) => !PASSING_CONCLUSIONS.has(entry.state));
  if (failing.length > 0) {
    throw new GitHubError({
      status: 409,
      message: `Conflict: Commit status checks failed for ${ref}.`,
      errors: [{ resource: 'Deployment', field: 'required_contexts', code: 'invalid', contexts: failing }],
      reason: 'pass required_contexts: [] to deploy regardless of the commit checks',
    });
  }
}

async function createDeployment(context: RouteContext) {
  const { repo } = authorizeRepo(context, { deployments: 'write' });
  const body = asObject(context.body);
  if (!body) throw invalidRequest(['The request body must be a JSON object.']);
  const problems: Problems = [];
  requireFields(body, ['ref'], problems);
  for (const name of ['ref', 'task', 'environment', 'description']) checkString(body, name, problems);
  for (const name of ['auto_merge', 'transient_environment', 'production_environment'])
    checkBoolean(body, name, problems);
  if (body.required_contexts !== undefined && !Array.isArray(body.required_contexts)) {
    problems.push("For 'properties/required_contexts', it is not an array.");
  }
  if (problems.length > 0) throw invalidRequest(problems);
  const ref = String(body.ref);
  const sha = await resolveCommit(repo, ref);
  if (!sha) throw new GitHubError({ status: 422, message: `No ref found for: ${ref}` });
  assertContextsPass(context, repo, sha, ref, body.required_contexts);
  const environment = typeof body.environment === 'string' ? body.environment : 'production';
  const payload = typeof body.payload === 'string' ? safeJson(body.payload) : (body.payload ?? {});
  const now = context.state.nowIso();
  const deployment: DeploymentRecord = {
    id: context.state.nextId('deployment'),
    repoId: repo.id,
    sha,
    ref,
    task: typeof body.task === 'string' ? body.task : 'deploy',
    payload,
    environment,
    originalEnvironment: environment,
    description: typeof body.description === 'string' ? body.description : null,
    transientEnvironment: body.transient_environment === true,
    productionEnvironment:
      typeof body.production_environment === 'boolean'
        ? body.production_environment
        : environment === 'production',
    createdAt: now,
    updatedAt: now,
  };
  context.state.deployments.push(deployment);
  return json(201, deploymentJson(context, repo, deployment));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest([`For 'properties/payload', ${JSON.stringify(text)} is not valid JSON.`]);
  }
}

function latestState(context: RouteContext, deploymentId: number): string | undefined {
  const statuses = context.state.deploymentStatuses.filter((status) => status.deploymentId === deploymentId);
  return statuses.at(-1)?.state;
}

/** GitHub's auto_inactive: older successful non-transient, non-production deployments of the environment go inactive. */
function inactivatePrevious(context: RouteContext, current: DeploymentRecord): void {
  for (const other of context.state.deployments) {
    const eligible =
      other.id !== current.id &&
      other.repoId === current.repoId &&
      other.environment === current.environment &&
      !other.transientEnvironment &&
      !other.productionEnvironment &&
      latestState(context, other.id) === 'success';
    if (!eligible) continue;
    context.state.deploymentStatuses.push({
      id: context.state.nextId('deploymentStatus'),
      deploymentId: other.id,
      state: 'inactive',
      description: '',
      environment: other.environment,
      targetUrl: '',
      logUrl: '',
      environmentUrl: '',
      createdAt: context.state.nowIso(),
    });
  }
}

function createStatus(context: RouteContext) {
  const { repo } = authorizeRepo(context, { deployments: 'write' });
  const deployment = findDeployment(context, repo);
  const body = asObject(context.body);
  if (!body) throw invalidRequest(['The request body must be a JSON object.']);
  const problems: Problems = [];
  requireFields(body, ['state'], problems);
  checkEnum(body, 'state', DEPLOYMENT_STATES, problems);
  checkString(body, 'description', problems, { maxLength: 140 });
  checkString(body, 'environment', problems);
  for (const name of ['target_url', 'log_url', 'environment_url']) checkUrl(body, name, problems);
  checkBoolean(body, 'auto_inactive', problems);
  if (problems.length > 0) throw invalidRequest(problems);
  if (typeof body.environment === 'string') deployment.environment = body.environment;
  const now = context.state.nowIso();
  deployment.updatedAt = now;
  const status: DeploymentStatusRecord = {
    id: context.state.nextId('deploymentStatus'),
    deploymentId: deployment.id,
    state: String(body.state),
    description: typeof body.description === 'string' ? body.description : '',
    environment: deployment.environment,
    // log_url is the newer name of target_url; GitHub fills each from the other.
    targetUrl: String(body.target_url ?? body.log_url ?? ''),
    logUrl: String(body.log_url ?? body.target_url ?? ''),
    environmentUrl: typeof body.environment_url === 'string' ? body.environment_url : '',
    createdAt: now,
  };
  context.state.deploymentStatuses.push(status);
  if (status.state === 'success' && body.auto_inactive !== false) inactivatePrevious(context, deployment);
  return json(201, statusJson(context, repo, deployment, status));
}

/** Deployments and deployment statuses, newest first when listed, as GitHub does. */
export const deploymentsRoutes: Route[] = [
  route('POST', '/repos/:owner/:repo/deployments', createDeployment),
  route('GET', '/repos/:owner/:repo/deployments', (context) => {
    const { repo } = authorizeRepo(context, { deployments: 'read' });
    const filters = ['sha', 'ref', 'task', 'environment'] as const;
    const matching = context.state.deployments
      .filter((deployment) => deployment.repoId === repo.id)
      .filter((deployment) =>
        filters.every((name) => {
          const wanted = context.query.get(name);
          return wanted === null || String(deployment[name]) === wanted;
        }),
      )
      .sort((a, b) => b.id - a.id);
    const page = paginate(matching, context.url);
    return json(
      200,
      page.items.map((deployment) => deploymentJson(context, repo, deployment)),
      page.headers,
    );
  }),
  route('GET', '/repos/:owner/:repo/deployments/:deployment_id', (context) => {
    const { repo } = authorizeRepo(context, { deployments: 'read' });
    return json(200, deploymentJson(context, repo, findDeployment(context, repo)));
  }),
  route('POST', '/repos/:owner/:repo/deployments/:deployment_id/statuses', createStatus),
  route('GET', '/repos/:owner/:repo/deployments/:deployment_id/statuses', (context) => {
    const { repo } = authorizeRepo(context, { deployments: 'read' });
    const deployment = findDeployment(context, repo);
    const statuses = context.state.deploymentStatuses
      .filter((status) => status.deploymentId === deployment.id)
      .sort((a, b) => b.id - a.id);
    const page = paginate(statuses, context.url);
    return json(
      200,
      page.items.map((status) => statusJson(context, repo, deployment, status)),
      page.headers,
    );
  }),
  route('GET', '/repos/:owner/:repo/deployments/:deployment_id/statuses/:status_id', (context) => {
    const { repo } = authorizeRepo(context, { deployments: 'read' });
    const deployment = findDeployment(context, repo);
    const status = context.state.deploymentStatuses.find(
      (candidate) =>
        candidate.deploymentId === deployment.id && candidate.id === Number(context.params.status_id),
    );
    if (!status) throw notFound(`no status ${context.params.status_id} on deployment ${deployment.id}`);
    return json(200, statusJson(context, repo, deployment, status));
  }),
];
