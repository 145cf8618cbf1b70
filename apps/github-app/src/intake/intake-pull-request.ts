import { evaluatePreview } from '@slipway/core';
import { reopenPreview, type WebhookEventJob } from '@slipway/queue';
import { forkOutput, PREVIEW_CHECK_NAME, previewRefusedOutput } from './check-run-text.js';
import { type ClosePreviewOutcome, closePreview } from './close-preview.js';
import { countOpenPreviews } from './count-open-previews.js';
import { ensureCheckRuns } from './ensure-check-runs.js';
import type { IntakeStep } from './intake-deps.js';
import { fanOutOutcome, type PushOutcome } from './intake-push.js';
import { commitRef, loadCommitConfig } from './load-commit-config.js';
import { previewEnvironment, pullRequestRef } from './preview-environment.js';
import { queueBuilds } from './queue-builds.js';
import { readPullRequest } from './read-pull-request.js';

/** What became of a pull_request delivery; for logs and tests. */
export type PullRequestOutcome =
  | Exclude<PushOutcome, 'branch-not-mapped'>
  | 'pull-request-closed'
  | 'previews-disabled'
  | 'fork'
  | 'preview-refused'
  | ClosePreviewOutcome;

const PREVIEW_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);

/**
 * A pull request opened, updated or reopened: when slipway.yaml at its head enables previews,
 * its head builds like a push, into the environment `pr-<number>` on the line
 * `refs/pull/<number>/head`. Otherwise it is ignored quietly. Closed: its preview is torn down
 * ({@link closePreview}).
 *
 * The pull request is read from GitHub rather than trusted from the delivery: a delivery handled
 * late must not preview a pull request closed since, and the head it builds is the current one,
 * so a lost `synchronize` is repaired by any later delivery. A pull request from a fork is never
 * built (its code would run with the tenant's secrets): it gets a neutral "Slipway preview"
 * check run saying why, as does one the tenant's preview limit refuses.
 */
export async function intakePullRequest(step: IntakeStep, job: WebhookEventJob): Promise<PullRequestOutcome> {
  const number = job.subset.pullRequest?.number;
  const repository = job.repository;
  if (job.action === 'closed') return closePreview(step, job);
  if (!repository || number === undefined || !PREVIEW_ACTIONS.has(job.action ?? '')) return 'ignored';
  const octokit = await step.octokitFor(job.installationId);
  const pull = await readPullRequest(octokit, repository.fullName, number);
  if (pull?.state !== 'open' || !pull.head.sha) {
    step.logger.debug({ number }, 'pull request is gone or closed; nothing to preview');
    return 'pull-request-closed';
  }
  const at = commitRef(repository.fullName, pull.head.sha);
  const loaded = await loadCommitConfig(step, { octokit, at, installationId: job.installationId });
  if (!loaded.ok) return loaded.outcome;
  const { tenant, config, logger } = loaded;
  if (!config.previews.enabled) {
    logger.debug({ number }, 'previews are off in slipway.yaml; pull request ignored');
    return 'previews-disabled';
  }
  if (pull.head.repo?.id !== pull.base.repo.id) {
    await ensureCheckRuns(
      octokit,
      at,
      [{ name: PREVIEW_CHECK_NAME, conclusion: 'neutral', output: forkOutput(number) }],
      step.now,
    );
    logger.info({ number }, 'pull request from a fork; not built');
    return 'fork';
  }
  const environment = previewEnvironment(number);
  const { policy } = await step.policies.get(tenant);
  const decision = evaluatePreview(policy, {
    previews: await countOpenPreviews(step.store, tenant, environment),
  });
  if (!decision.allowed) {
    const reasons = decision.denials.map((denial) => denial.message);
    await ensureCheckRuns(
      octokit,
      at,
      [{ name: PREVIEW_CHECK_NAME, conclusion: 'neutral', output: previewRefusedOutput(number, reasons) }],
      step.now,
    );
    logger.info({ number, reasons }, 'preview refused by the tenant policy');
    return 'preview-refused';
  }
  // Open (again): a deploy of this preview may make its services once more.
  await reopenPreview(step.redis, {
    tenant,
    repositoryId: repository.id,
    number,
    prefix: step.queues.prefix,
  });
  const { queued, superseded } = await queueBuilds(step, {
    octokit,
    at,
    tenant,
    config,
    environment,
    ref: pullRequestRef(number),
    installationId: job.installationId,
    repository,
    deliveryId: job.deliveryId,
    pushedAt: Date.parse(job.receivedAt),
    logger,
  });
  return fanOutOutcome(queued, superseded);
}
