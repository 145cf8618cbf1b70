import type { DeployFeedbackJob } from '@slipway/queue';

/** The deployment states Slipway posts; GitHub has `pending` and `error` too. */
export type DeploymentState = 'queued' | 'in_progress' | 'success' | 'failure' | 'inactive';

/** States after which a deployment does not move: a late running state never follows one. */
export const FINAL_DEPLOYMENT_STATES: ReadonlySet<string> = new Set([
  'success',
  'failure',
  'error',
  'inactive',
]);

/** GitHub's limit on a deployment status description. */
const MAX_DESCRIPTION_CHARS = 140;

/** The body of one deployment status, without the deployment id. */
export interface DeploymentStatusFields {
  state: DeploymentState;
  description: string;
  environment_url?: string;
  log_url?: string;
  /** Never true: one service's success must not deactivate another service's deployment. */
  auto_inactive: false;
}

/**
 * The deployment status of a rollout state: queued → `queued`, in progress (rolling back too) →
 * `in_progress`, success → `success` with the service's URL as `environment_url` when it is
 * public, failure → `failure`, cancelled → `inactive` — a cancelled rollout was taken over by a
 * newer one: it neither failed nor serves, which is what GitHub means by inactive (`error` would
 * show a red failure for a deploy nobody has to look at). `log_url` is the check run's page. Pure.
 *
 * `auto_inactive` is false: Slipway's environments hold several services, each its own
 * deployment, and GitHub's auto-inactivation would retire the `web` deployment when `api`
 * succeeds in the same environment.
 *
 * @example deploymentStatusFields(job, 'https://github.com/acme/shop/runs/9')
 * // → { state: 'success', description: 'Deployed release r-2 (2 replicas)', environment_url: 'http://…', log_url: '…', auto_inactive: false }
 */
export function deploymentStatusFields(
  job: DeployFeedbackJob,
  checkRunUrl: string | null,
): DeploymentStatusFields {
  const state = deploymentState(job);
  return {
    state,
    description: clip(job.title),
    ...(state === 'success' && job.url ? { environment_url: job.url } : {}),
    ...(checkRunUrl ? { log_url: checkRunUrl } : {}),
    auto_inactive: false,
  };
}

export function deploymentState(job: Pick<DeployFeedbackJob, 'status' | 'conclusion'>): DeploymentState {
  if (job.status !== 'completed') return job.status;
  switch (job.conclusion) {
    case 'success':
      return 'success';
    case 'cancelled':
      return 'inactive';
    default:
      return 'failure';
  }
}

function clip(text: string): string {
  return text.length <= MAX_DESCRIPTION_CHARS ? text : `${text.slice(0, MAX_DESCRIPTION_CHARS - 1)}…`;
}
