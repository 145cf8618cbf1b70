import type { DeploymentRecord, DeploymentStatusRecord } from '../fake-records.js';
import type { Repo } from '../fake-state.js';
import { accountJson, appJson, botAccount, nodeId, repoUrl } from '../github-shapes.js';
import type { ShapeContext } from '../router.js';

/** A deployment as GitHub returns it. */
export function deploymentJson(
  context: ShapeContext,
  repo: Repo,
  deployment: DeploymentRecord,
): Record<string, unknown> {
  const url = `${repoUrl(context.urls, repo)}/deployments/${deployment.id}`;
  return {
    url,
    id: deployment.id,
    node_id: nodeId('Deployment', deployment.id),
    sha: deployment.sha,
    ref: deployment.ref,
    task: deployment.task,
    payload: deployment.payload,
    original_environment: deployment.originalEnvironment,
    environment: deployment.environment,
    description: deployment.description,
    creator: accountJson(context.urls, botAccount(context.app)),
    created_at: deployment.createdAt,
    updated_at: deployment.updatedAt,
    statuses_url: `${url}/statuses`,
    repository_url: repoUrl(context.urls, repo),
    transient_environment: deployment.transientEnvironment,
    production_environment: deployment.productionEnvironment,
    performed_via_github_app: appJson(context),
  };
}

/** A deployment status as GitHub returns it. */
export function statusJson(
  context: ShapeContext,
  repo: Repo,
  deployment: DeploymentRecord,
  status: DeploymentStatusRecord,
): Record<string, unknown> {
  const deploymentUrl = `${repoUrl(context.urls, repo)}/deployments/${deployment.id}`;
  return {
    url: `${deploymentUrl}/statuses/${status.id}`,
    id: status.id,
    node_id: nodeId('DeploymentStatus', status.id),
    state: status.state,
    creator: accountJson(context.urls, botAccount(context.app)),
    description: status.description,
    environment: status.environment,
    target_url: status.targetUrl,
    log_url: status.logUrl,
    environment_url: status.environmentUrl,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    deployment_url: deploymentUrl,
    repository_url: repoUrl(context.urls, repo),
    performed_via_github_app: appJson(context),
  };
}
