import { type BuildJob, QUEUE_NAMES, type Queues } from '@slipway/queue';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { isFinalError } from '../errors.js';
import { type CircleciBuildDeps, type CircleciBuildResult, runCircleciBuild } from './run-circleci-build.js';

export interface StartCircleciWorkerOptions
  extends Omit<CircleciBuildDeps, 'signal' | 'finalAttempt' | 'deploys' | 'prefix'> {
  /** The producers; the worker consumes their `circleci-builds` queue under the same prefix and adds to `deploys`. */
  queues: Queues;
  /**
   * Hand-offs this process follows at once. Each mostly waits on CircleCI, so the default is
   * high (20); CircleCI's own plan limits how many of them actually run.
   */
  concurrency?: number;
  /** BullMQ's job lock and stalled-job check (defaults: BullMQ's 30 s). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** What a finished job returns (kept by BullMQ for a few days). */
export type CircleciJobOutcome =
  | {
      status: 'succeeded';
      buildId: string;
      releaseId: string;
      digest: string | null;
      pipelineNumber: number | null;
    }
  | { status: 'cancelled'; supersededBy: string };

export interface CircleciWorker {
  readonly worker: Worker<BuildJob, CircleciJobOutcome>;
  /** Stops taking jobs, waits for running ones, closes its connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Runs `circleci-builds` jobs with {@link runCircleciBuild}. Final failures (a failed or
 * cancelled workflow, a missing image, a refused request or token) fail the job at once
 * (`UnrecoverableError`); anything else — CircleCI unreachable above all — uses the queue's
 * attempts with exponential backoff, and the last attempt writes the failure.
 *
 * @example
 * const circleci = startCircleciWorker({ queues, client, secrets, registry, repos, policies, redis, logger });
 * await circleci.close();
 */
export function startCircleciWorker(options: StartCircleciWorkerOptions): CircleciWorker {
  const { queues, concurrency = 20, lockDurationMs, stalledIntervalMs, ...deps } = options;
  const { logger } = deps;
  // BullMQ blocks this connection while waiting for jobs, so it cannot be the shared one.
  const connection = deps.redis.duplicate({ maxRetriesPerRequest: null });

  const processor = async (
    job: Job<BuildJob, CircleciJobOutcome>,
    _token?: string,
    signal?: AbortSignal,
  ): Promise<CircleciJobOutcome> => {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    let result: CircleciBuildResult;
    try {
      result = await runCircleciBuild(job.data, {
        ...deps,
        prefix: queues.prefix,
        deploys: queues.deploys,
        finalAttempt,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (finalAttempt || isFinalError(error))
        throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
      throw error;
    }
    if (result.status === 'cancelled') return result;
    return {
      status: 'succeeded',
      buildId: result.buildId,
      releaseId: result.release.id,
      digest: result.release.digest,
      pipelineNumber: result.pipelineNumber,
    };
  };

  const worker = new Worker<BuildJob, CircleciJobOutcome>(QUEUE_NAMES.circleciBuilds, processor, {
    connection,
    prefix: queues.prefix,
    concurrency,
    ...(lockDurationMs === undefined ? {} : { lockDuration: lockDurationMs }),
    ...(stalledIntervalMs === undefined ? {} : { stalledInterval: stalledIntervalMs }),
  });
  worker.on('error', (error) => logger.error({ err: error }, 'CircleCI worker error'));
  worker.on('failed', (job, error) =>
    logger.warn(
      { tenant: job?.data.tenant, jobId: job?.id, err: { message: error.message } },
      'CircleCI build job failed',
    ),
  );

  let closing: Promise<void> | undefined;
  return {
    worker,
    close() {
      closing ??= worker.close().finally(() => connection.disconnect());
      return closing;
    },
  };
}
