import { markPreviewClosed, type PreviewTeardownJob, type WebhookEventJob } from '@slipway/queue';
import type { ProbotOctokit } from 'probot';
import { findPreviewComment } from '../deploy-feedback/apply-preview-comment.js';
import { closedPreviewCommentBody } from '../deploy-feedback/preview-comment.js';
import { statusOf } from './github-failure.js';
import type { IntakeStep } from './intake-deps.js';
import { commitRef } from './load-commit-config.js';
import { previewEnvironment } from './preview-environment.js';
import { readPullRequest } from './read-pull-request.js';

export type ClosePreviewOutcome = 'preview-torn-down' | 'pull-request-open';

/** The second teardown pass: a deploy that read "open" just before the close is caught by it. */
export const TEARDOWN_AGAIN_MS = 60_000;

/**
 * A pull request closed (merged or not): its preview goes. The preview is marked closed in Redis,
 * so a build still running for it deploys nothing; the controller removes the services it made
 * (queued twice: now, and a minute later); its GitHub deployments become `inactive`, so GitHub stops
 * linking a URL that will not answer, and the preview comment says the preview was removed. A delivery handled after the pull request was reopened does
 * nothing: GitHub is asked for its state now. An installation bound to no tenant has no preview.
 */
export async function closePreview(
  step: IntakeStep,
  job: WebhookEventJob,
): Promise<ClosePreviewOutcome | 'ignored'> {
  const number = job.subset.pullRequest?.number;
  const repository = job.repository;
  if (!repository || number === undefined) return 'ignored';
  const tenant = await step.installations.boundTenant(job.installationId);
  if (!tenant) return 'ignored';
  const octokit = await step.octokitFor(job.installationId);
  const pull = await readPullRequest(octokit, repository.fullName, number);
  if (pull?.state === 'open') return 'pull-request-open';
  const closedAt = Date.parse(job.receivedAt);
  await markPreviewClosed(
    step.redis,
    { tenant, repositoryId: repository.id, number, prefix: step.queues.prefix },
    closedAt,
  );
  const environment = previewEnvironment(number);
  const teardown: PreviewTeardownJob = {
    tenant,
    environment,
    repository,
    number,
    closedAt: new Date(closedAt).toISOString(),
  };
  const jobId = `${tenant}.${repository.id}.${number}.${closedAt}`;
  await step.queues.previewTeardowns.add('teardown', teardown, { jobId });
  await step.queues.previewTeardowns.add('teardown', teardown, {
    jobId: `${jobId}.again`,
    delay: TEARDOWN_AGAIN_MS,
  });
  await tellGitHub(step, environment, () => deactivateDeployments(octokit, repository.fullName, environment));
  await tellGitHub(step, environment, () => closePreviewComment(octokit, repository.fullName, number));
  step.logger.info({ tenant, number, environment }, 'pull request closed; its preview is torn down');
  return 'preview-torn-down';
}

/** GitHub trouble here is only logged: the teardown itself is queued already, what is left is cosmetic. */
async function tellGitHub(step: IntakeStep, environment: string, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    step.logger.warn(
      {
        environment,
        status: statusOf(error),
        err: { message: error instanceof Error ? error.message : String(error) },
      },
      'could not show on GitHub that the preview was removed',
    );
  }
}

/** Every deployment of the preview's environment gets an `inactive` status: GitHub stops linking it. */
async function deactivateDeployments(
  octokit: ProbotOctokit,
  fullName: string,
  environment: string,
): Promise<void> {
  const { owner, repo } = commitRef(fullName, '');
  const deployments = await octokit.paginate(octokit.rest.repos.listDeployments, {
    owner,
    repo,
    environment,
    per_page: 100,
  });
  for (const deployment of deployments)
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: deployment.id,
      state: 'inactive',
      description: 'The pull request closed; its preview was removed.',
    });
}

/** The pull request's preview comment, if Slipway wrote one, says the preview is gone. */
async function closePreviewComment(octokit: ProbotOctokit, fullName: string, number: number): Promise<void> {
  const { owner, repo } = commitRef(fullName, '');
  const ours = await findPreviewComment(octokit, { owner, repo }, number);
  const body = closedPreviewCommentBody(number);
  if (ours && ours.body !== body)
    await octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
}
