import type { Queues } from '@slipway/queue';
import { type BuildJob, QUEUE_NAMES } from '@slipway/queue';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { BuildSupersededError } from '../errors.js';
import { describeFailure, failureWords, isFinalError } from './build-failure.js';
import type { BuildJobDeps } from './build-job-deps.js';
import { runBuildJob } from './run-build-job.js';
import { TenantSlots } from './tenant-slots.js';
import { silentLogger } from './worker-logger.js';

export interface StartBuildWorkerOptions extends Omit<BuildJobDeps, 'signal' | 'finalAttempt' | 'deploys'> {
  /** The producers; the worker consumes their `builds` queue under the same prefix and adds to `deploys`. */
  queues: Queues;
  /** Builds this process runs at once, across tenants. Default 4. */
  concurrency?: number;
  /**
   * Builds one tenant may run at once across every worker: the policy's `limits.concurrentBuilds`
   * (see `policyTenantLimit`). Default 2, the default policy's.
   */
  tenantLimit?: number | ((tenant: string) => number | Promise<number>);
  /** How long an over-limit job waits before it is tried again. Default 2000 (plus up to 50 % jitter). */
  overLimitDelayMs?: number;
  /** Lease of a tenant slot, renewed every third of it while the build runs. Default 60 s. */
  slotLeaseMs?: number;
  /**
   * BullMQ's job lock: a worker that dies (SIGKILL, lost host) stops renewing it, and after this
   * long another worker's stalled-job check takes the job back. Default 30 s (BullMQ's).
   */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (locks that ran out). Default 30 s (BullMQ's). */
  stalledIntervalMs?: number;
}

/** What a finished build job returns (stored by BullMQ for a few days). */
export type BuildJobOutcome =
  | {
      status: 'succeeded';
      buildId: string;
      releaseId: string;
      digest: string | null;
      cacheHits: number;
      /** The previous image the layer cache came from (`repo@digest`), null when none was used. */
      cacheFrom: string | null;
      durationMs: number;
      built: boolean;
    }
  /** A newer push superseded it: the job completes, it is neither failed nor retried. */
  | { status: 'cancelled'; supersededBy: string };

export interface BuildWorker {
  readonly worker: Worker<BuildJob, BuildJobOutcome>;
  /** Stops taking jobs, waits for running ones, closes its connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Runs build jobs from the `builds` queue with {@link runBuildJob}, at most `concurrency` at once
 * in this process and at most `tenantLimit` per tenant across all processes.
 *
 * Fairness: a job whose tenant has no free slot is moved back to the delayed set (BullMQ's
 * `moveToDelayed` + `DelayedError`, which does not use up an attempt) instead of holding a worker
 * slot, so the worker moves on to the next job in line — another tenant's — and one tenant's
 * backlog can never occupy every worker. Slots are Redis leases ({@link TenantSlots}).
 *
 * Outcomes: success and supersede complete the job; Docker errors, bad input, refused pushes and
 * policy refusals fail it at once (`UnrecoverableError`); anything else (a registry that stays
 * down, GitHub or the state store hiccuping) uses the queue's attempts with backoff, and only the
 * last attempt records the failure.
 *
 * @example
 * const builds = startBuildWorker({ queues, docker, registry, repos, policies, sourceFor, redis, feedback });
 * await builds.close();
 */
export function startBuildWorker(options: StartBuildWorkerOptions): BuildWorker {
  const {
    queues,
    concurrency = 4,
    overLimitDelayMs = 2000,
    slotLeaseMs = 60_000,
    lockDurationMs,
    stalledIntervalMs,
    tenantLimit,
    ...deps
  } = options;
  const logger = deps.logger ?? silentLogger;
  const limitOf = async (tenant: string) =>
    typeof tenantLimit === 'function' ? tenantLimit(tenant) : (tenantLimit ?? 2);
  const slots = new TenantSlots({ redis: deps.redis, prefix: queues.prefix, leaseMs: slotLeaseMs });
  // BullMQ blocks this connection while waiting for jobs, so it cannot be the shared one.
  const connection = deps.redis.duplicate({ maxRetriesPerRequest: null });

  const processor = async (
    job: Job<BuildJob, BuildJobOutcome>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<BuildJobOutcome> => {
    const { tenant } = job.data;
    const holder = job.id ?? job.name;
    // A limit of 0 still takes one slot: runBuildJob then refuses the build, saying why.
    const limit = Math.max(1, await limitOf(tenant));
    if (!(await slots.acquire(tenant, holder, limit))) {
      const delay = overLimitDelayMs + Math.floor(Math.random() * overLimitDelayMs * 0.5);
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
    const renewal = setInterval(() => {
      slots.renew(tenant, holder).catch((error: unknown) => {
        logger.warn({ tenant, jobId: holder, err: error }, 'could not renew the tenant build slot');
      });
    }, slotLeaseMs / 3);
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    try {
      const result = await runBuildJob(job.data, {
        ...deps,
        prefix: deps.prefix ?? queues.prefix,
        deploys: queues.deploys,
        finalAttempt,
        ...(signal ? { signal } : {}),
      });
      return {
        status: 'succeeded',
        buildId: result.buildId,
        releaseId: result.release.id,
        digest: result.release.digest,
        cacheHits: result.cacheHits,
        cacheFrom: result.cacheFrom?.reference ?? null,
        durationMs: result.durationMs,
        built: result.built,
      };
    } catch (error) {
      if (error instanceof BuildSupersededError)
        return { status: 'cancelled', supersededBy: error.supersededBy };
      // The job's failed reason then says what the check run says (e.g. "unreachable … retried"), not "will be retried".
      if (finalAttempt || isFinalError(error))
        throw new UnrecoverableError(failureWords(describeFailure(error, [])));
      throw error;
    } finally {
      clearInterval(renewal);
      await slots.release(tenant, holder);
    }
  };

  const worker = new Worker<BuildJob, BuildJobOutcome>(QUEUE_NAMES.builds, processor, {
    connection,
    prefix: queues.prefix,
    concurrency,
    ...(lockDurationMs === undefined ? {} : { lockDuration: lockDurationMs }),
    ...(stalledIntervalMs === undefined ? {} : { stalledInterval: stalledIntervalMs }),
  });
  worker.on('error', (error) => logger.error({ err: error }, 'build worker error'));
  worker.on('failed', (job, error) =>
    logger.warn({ tenant: job?.data.tenant, jobId: job?.id, err: error }, 'build job failed'),
  );
  worker.on('stalled', (jobId) => logger.warn({ jobId }, 'build job stalled; it goes back to the queue'));

  let closing: Promise<void> | undefined;
  return {
    worker,
    close() {
      closing ??= worker.close().finally(() => connection.disconnect());
      return closing;
    },
  };
}
