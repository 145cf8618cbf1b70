import { type DeployFeedbackJob, previewNumberOf } from '@slipway/queue';
import type { Redis } from 'ioredis';
import type { ProbotOctokit } from 'probot';
import { takeLock } from './applied-sequence.js';
import { isPreviewComment, previewCommentBody } from './preview-comment.js';

/** What one job did to the pull request's preview comment. */
export type PreviewCommentResult = 'created' | 'updated' | 'unchanged' | 'not-a-preview-success';

export interface PreviewCommentContext {
  redis: Redis;
  prefix: string;
  /** Who holds the pull request's lock (a job id); only its holder releases it. */
  holder: string;
  /** How long to wait for other services' jobs on the same comment (3 s or more each). Default 30 s. */
  lockWaitMs?: number;
}

const LOCK_POLL_MS = 50;

/**
 * `<prefix>:deploy-feedback-comment-lock:<tenant>:<repository id>:<pull>`: one job at a time
 * edits a pull request's comment — the services of a preview roll out at once, and two jobs that
 * each read the comment and write it back would lose a row, or post two comments.
 */
export const previewCommentLockKey = (prefix: string, job: DeployFeedbackJob, pullNumber: number) =>
  `${prefix}:deploy-feedback-comment-lock:${job.tenant}:${job.repository.id}:${pullNumber}`;

/**
 * For a successful rollout of a public service into a preview `pr-<n>`: writes its row (URL and
 * commit) into the ONE Slipway comment on pull request #<n> — found by its hidden marker among the
 * app's own comments, created when there is none, else updated (PATCH) keeping the other
 * services' rows. Anything else (another environment, a running or failed rollout, an internal
 * service) leaves the comment alone. A comment already saying it is not written again.
 *
 * @throws Error when another job holds the comment longer than `lockWaitMs` (transient: retried).
 * @example
 * await applyPreviewComment(octokit, job, { redis, prefix, holder: job.id });
 */
export async function applyPreviewComment(
  octokit: ProbotOctokit,
  job: DeployFeedbackJob,
  context: PreviewCommentContext,
): Promise<PreviewCommentResult> {
  const pullNumber = previewNumberOf(job.environment);
  if (pullNumber === undefined || job.status !== 'completed' || job.conclusion !== 'success' || !job.url)
    return 'not-a-preview-success';
  const line = { service: job.service, url: job.url, commit: job.commit };
  const unlock = await waitForLock(context, previewCommentLockKey(context.prefix, job, pullNumber));
  try {
    const [owner = '', repo = ''] = job.repository.fullName.split('/');
    const ours = await findPreviewComment(octokit, { owner, repo }, pullNumber);
    const body = previewCommentBody(ours?.body, line, pullNumber);
    if (!ours) {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: pullNumber, body });
      return 'created';
    }
    if (ours.body === body) return 'unchanged';
    await octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
    return 'updated';
  } finally {
    await unlock();
  }
}

/** The app's own preview comment on pull request #`pullNumber` (found by its marker), if it wrote one. */
export async function findPreviewComment(
  octokit: ProbotOctokit,
  where: { owner: string; repo: string },
  pullNumber: number,
) {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...where,
    issue_number: pullNumber,
    per_page: 100,
  });
  return comments.find((comment) => comment.user?.type === 'Bot' && isPreviewComment(comment.body));
}

async function waitForLock(context: PreviewCommentContext, key: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + (context.lockWaitMs ?? 30_000);
  for (;;) {
    const unlock = await takeLock(context.redis, key, context.holder);
    if (unlock) return unlock;
    if (Date.now() >= deadline)
      throw new Error(`the preview comment is being written by another job (${key}); retrying`);
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}
