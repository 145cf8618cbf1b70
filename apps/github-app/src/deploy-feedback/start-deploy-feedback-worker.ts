import { type DeployFeedbackJob, deployFeedbackJobSchema, QUEUE_NAMES, type Queues } from '@slipway/queue';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ProbotOctokit } from 'probot';
import { classifyFailure, statusOf } from '../intake/github-failure.js';
import { appliedSequence, lockRollout, markSequenceApplied } from './applied-sequence.js';
import { applyPreviewComment } from './apply-preview-comment.js';
import { applyDeployCheckRun, type DeployCheckRunResult } from './deploy-check-run.js';
import { applyGitHubDeployment } from './github-deployment.js';
import { unlessPermanent } from './unless-permanent.js';

export interface StartDeployFeedbackWorkerOptions {
  /** The producers: the worker consumes their deploy-feedback queue (same connection and prefix). */
  queues: Queues;
  /** For the applied sequences and the per-rollout locks; the caller owns it. */
  redis: Redis;
  /** An installation's Octokit (installation token); in production `(id) => probot.auth(id)`. */
  octokitFor(installationId: number): Promise<ProbotOctokit>;
  logger: Logger;
  /** Clock for `completed_at` when a job has none. */
  now?: () => Date;
  /** Jobs handled at once (of different rollouts). Default 10: the work is waiting on GitHub. */
  concurrency?: number;
  /** How long a job waits when another job of its rollout is being applied. Default 250 ms. */
  busyDelayMs?: number;
  /** How long a job waits for other services' jobs on the same preview comment. Default 30 s. */
  commentLockWaitMs?: number;
}

export interface DeployFeedbackWorker {
  readonly worker: Worker<DeployFeedbackJob>;
  /** Waits for jobs in flight, then stops. Idempotent. */
  close(): Promise<void>;
}

export type DeployFeedbackOutcome = DeployCheckRunResult | 'stale';

/**
 * Consumes `deploy-feedback`: each job is one state of one rollout, shown as the check run
 * "Slipway deploy / <service>" on the release's commit ({@link applyDeployCheckRun}), then as
 * the rollout's GitHub Deployment and its status ({@link applyGitHubDeployment}) and, for a
 * preview's success, as the service's row in the pull request's one comment
 * ({@link applyPreviewComment}). Jobs of a rollout may arrive out of order (retries, several
 * workers): the highest sequence shown is kept in Redis and an older or equal job is dropped, and
 * one job per rollout runs at a time. A transient GitHub error is thrown, so BullMQ retries it
 * with the queue's backoff; a client error that retrying cannot heal fails the job at once when
 * the check run meets it, and is logged (the step skipped) when the deployment or comment does.
 *
 * @example
 * const feedback = startDeployFeedbackWorker({ queues, redis, octokitFor: (id) => probot.auth(id), logger });
 * await feedback.close();
 */
export function startDeployFeedbackWorker(options: StartDeployFeedbackWorkerOptions): DeployFeedbackWorker {
  const { queues, redis, logger } = options;
  const now = options.now ?? (() => new Date());
  const busyDelayMs = options.busyDelayMs ?? 250;

  const handle = async (job: Job<DeployFeedbackJob>, token?: string): Promise<DeployFeedbackOutcome> => {
    const parsed = deployFeedbackJobSchema.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`deploy feedback job ${job.id} is invalid: ${parsed.error.message}`);
    const data = parsed.data;
    const log = logger.child({
      tenant: data.tenant,
      environment: data.environment,
      service: data.service,
      rollout: data.rolloutId,
      sequence: data.sequence,
      repository: data.repository.fullName,
      sha: data.commit,
    });
    const unlock = await lockRollout(redis, queues.prefix, data, `${job.id}:${token ?? ''}`);
    if (!unlock) {
      // Another job of this rollout is on GitHub now; try again shortly, without using an attempt.
      await job.moveToDelayed(Date.now() + busyDelayMs, token);
      throw new DelayedError();
    }
    try {
      const shown = await appliedSequence(redis, queues.prefix, data);
      if (shown !== null && shown >= data.sequence) {
        log.debug({ shown }, 'deploy feedback older than what GitHub shows: dropped');
        return 'stale';
      }
      const octokit = await options.octokitFor(data.installationId);
      const { result, htmlUrl } = await applyDeployCheckRun(octokit, data, now);
      log.info({ result, status: data.status, conclusion: data.conclusion }, `deploy check run ${result}`);
      const deployment = await unlessPermanent(log, 'GitHub deployment', () =>
        applyGitHubDeployment(octokit, data, htmlUrl),
      );
      if (deployment) log.info({ deployment }, `GitHub deployment status ${deployment.status}`);
      const comment = await unlessPermanent(log, 'preview comment', () =>
        applyPreviewComment(octokit, data, {
          redis,
          prefix: queues.prefix,
          holder: `${job.id}:${token ?? ''}`,
          ...(options.commentLockWaitMs === undefined ? {} : { lockWaitMs: options.commentLockWaitMs }),
        }),
      );
      if (comment && comment !== 'not-a-preview-success') log.info({ comment }, `preview comment ${comment}`);
      await markSequenceApplied(redis, queues.prefix, data, data.sequence);
      return result;
    } catch (error) {
      throw classifyFailure(error, `deploy feedback for rollout ${data.rolloutId} (${data.sequence})`);
    } finally {
      await unlock().catch((error: unknown) =>
        log.warn({ error: { message: String(error) } }, 'deploy feedback lock not released; it expires'),
      );
    }
  };

  const connection = workerConnection(queues);
  const worker = new Worker<DeployFeedbackJob, DeployFeedbackOutcome>(QUEUE_NAMES.deployFeedback, handle, {
    connection,
    prefix: queues.prefix,
    concurrency: options.concurrency ?? 10,
  });
  worker.on('failed', (job, error) => {
    // The message and status only: an Octokit error object carries the request, headers included.
    logger.warn(
      {
        tenant: job?.data.tenant,
        rollout: job?.data.rolloutId,
        sequence: job?.data.sequence,
        attemptsMade: job?.attemptsMade,
        error: { name: error.name, message: error.message, status: statusOf(error) },
      },
      'deploy feedback job failed',
    );
  });
  worker.on('error', (error) =>
    logger.error({ error: { name: error.name, message: error.message } }, 'deploy feedback worker error'),
  );

  let closing: Promise<void> | undefined;
  return {
    worker,
    close() {
      closing ??= worker.close().finally(() => connection.quit().catch(() => connection.disconnect()));
      return closing.then(() => undefined);
    },
  };
}

/** A connection of the worker's own that waits out a reconnect, as BullMQ needs for a worker. */
function workerConnection(queues: Queues): Redis {
  const base = queues.deployFeedback.opts.connection as Partial<Redis>;
  if (typeof base.duplicate !== 'function') {
    throw new TypeError(
      'startDeployFeedbackWorker needs queues made by createQueues over an ioredis connection',
    );
  }
  return base.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
}
