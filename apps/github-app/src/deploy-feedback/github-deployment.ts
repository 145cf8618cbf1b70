import type { DeployFeedbackJob } from '@slipway/queue';
import type { ProbotOctokit } from 'probot';
import { isPreviewEnvironment } from '../intake/preview-environment.js';
import { deploymentStatusFields, FINAL_DEPLOYMENT_STATES } from './deployment-status.js';

/** What one job did to the rollout's GitHub Deployment. */
export interface AppliedGitHubDeployment {
  deploymentId: number;
  created: boolean;
  /** `posted` a new status; `unchanged` when the newest already says it; `kept-final` after an end. */
  status: 'posted' | 'unchanged' | 'kept-final';
  state: string;
}

/** What Slipway puts in a deployment's `payload`, to find the rollout's deployment again. */
export interface SlipwayDeploymentPayload {
  slipway: { tenant: string; service: string; rolloutId: string };
}

/**
 * Shows one rollout state as a GitHub Deployment of the release's commit into the Slipway
 * environment (`production`, `staging`, `pr-12`), one per rollout, and a deployment status for
 * the state ({@link deploymentStatusFields}). The deployment is found again by listing the
 * commit's deployments of that environment and matching `payload.slipway.rolloutId`, so a job
 * retried after GitHub took the deployment, or run on another worker, never makes a second one
 * (the worker's per-rollout lock keeps two jobs of a rollout from creating it at once). A status
 * is posted only when the newest one says something else, and never after a final one.
 *
 * @example
 * await applyGitHubDeployment(octokit, job, 'https://github.com/acme/shop/runs/9');
 */
export async function applyGitHubDeployment(
  octokit: ProbotOctokit,
  job: DeployFeedbackJob,
  checkRunUrl: string | null,
): Promise<AppliedGitHubDeployment> {
  const [owner = '', repo = ''] = job.repository.fullName.split('/');
  const found = await findRolloutDeployment(octokit, job, { owner, repo });
  const deploymentId = found ?? (await createRolloutDeployment(octokit, job, { owner, repo }));
  const created = found === undefined;
  const fields = deploymentStatusFields(job, checkRunUrl);

  if (!created) {
    const { data: newest } = await octokit.rest.repos.listDeploymentStatuses({
      owner,
      repo,
      deployment_id: deploymentId,
      per_page: 1,
    });
    const latest = newest[0]?.state;
    if (latest === fields.state) return { deploymentId, created, status: 'unchanged', state: latest };
    if (latest !== undefined && FINAL_DEPLOYMENT_STATES.has(latest))
      return { deploymentId, created, status: 'kept-final', state: latest };
  }
  await octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: deploymentId, ...fields });
  return { deploymentId, created, status: 'posted', state: fields.state };
}

async function findRolloutDeployment(
  octokit: ProbotOctokit,
  job: DeployFeedbackJob,
  where: { owner: string; repo: string },
): Promise<number | undefined> {
  const deployments = await octokit.paginate(octokit.rest.repos.listDeployments, {
    ...where,
    sha: job.commit,
    environment: job.environment,
    per_page: 100,
  });
  return deployments.find((deployment) => rolloutIdOf(deployment.payload) === job.rolloutId)?.id;
}

async function createRolloutDeployment(
  octokit: ProbotOctokit,
  job: DeployFeedbackJob,
  where: { owner: string; repo: string },
): Promise<number> {
  const payload: SlipwayDeploymentPayload = {
    slipway: { tenant: job.tenant, service: job.service, rolloutId: job.rolloutId },
  };
  const { data } = await octokit.rest.repos.createDeployment({
    ...where,
    ref: job.commit,
    task: 'deploy',
    auto_merge: false,
    required_contexts: [],
    environment: job.environment,
    description: `Slipway: ${job.service}`,
    payload: payload as unknown as { [key: string]: unknown },
    transient_environment: isPreviewEnvironment(job.environment),
    production_environment: job.environment === 'production',
  });
  // 202 (no id) only comes with auto_merge, which is off.
  if (!('id' in data)) throw new Error(`GitHub did not create the deployment: ${data.message ?? ''}`);
  return data.id;
}

/** The rollout id in a deployment payload Slipway wrote (an object, or a JSON string), or undefined. */
export function rolloutIdOf(payload: unknown): string | undefined {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const rolloutId = (value as Partial<SlipwayDeploymentPayload> | null)?.slipway?.rolloutId;
  return typeof rolloutId === 'string' ? rolloutId : undefined;
}
