import { markPreviewClosed, type PreviewTeardownJob, type WebhookEventJob } from '@slipway/queue';
import type { ProbotOctokit } from 'probot';
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
 * linking a URL that will not answer. A delivery handled after the pull request was reopened does
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
  await deactivateDeployments(step, octokit, repository.fullName, environment);
  step.logger.info({ tenant, number, environment }, 'pull request closed; its preview is torn down');
  return 'preview-torn-down';
}

/** Every deployment of the preview's environment gets an `inactive` status. GitHub trouble is only logged. */
async function deactivateDeployments(
  step: IntakeStep,
  octokit: ProbotOctokit,
  fullName: string,
  environment: string,
): Promise<void> {
  const { owner, repo } = commitRef(fullName, '');
  try {
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
  } catch (error) {
    // The teardown itself is queued already: a deployment left "active" on GitHub is cosmetic.
    step.logger.warn(
      {
        environment,
        status: statusOf(error),
        err: { message: error instanceof Error ? error.message : String(error) },
      },
      'could not mark the preview deployments inactive',
    );
  }
}
