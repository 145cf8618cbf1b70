import type { Queues } from '@slipway/queue';
import { type BuildJob, QUEUE_NAMES } from '@slipway/queue';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { BuilderError, type BuilderErrorCode } from '../errors.js';
import { type BuildJobDeps, runBuildJob } from './run-build-job.js';
import { TenantSlots } from './tenant-slots.js';
import { silentLogger } from './worker-logger.js';

export interface StartBuildWorkerOptions extends Omit<BuildJobDeps, 'signal'> {
  /** The producers; the worker consumes their `builds` queue under the same prefix. */
  queues: Queues;
  /** Builds this process runs at once, across tenants. Default 4. */
  concurrency?: number;
  /** Builds one tenant may run at once across every worker (the policy's concurrent builds). Default 2. */
  tenantLimit?: number | ((tenant: string) => number | Promise<number>);
  /** How long an over-limit job waits before it is tried again. Default 2000 (plus up to 50 % jitter). */
  overLimitDelayMs?: number;
  /** Lease of a tenant slot, renewed every third of it while the build runs. Default 60 s. */
  slotLeaseMs?: number;
}

/** What a finished build job returns (stored by BullMQ for a few days). */
export interface BuildJobOutcome {
  releaseId: string;
  digest: string;
  cacheHits: number;
  durationMs: number;
  built: boolean;
}

export interface BuildWorker {
  readonly worker: Worker<BuildJob, BuildJobOutcome>;
  /** Stops taking jobs, waits for running ones, closes its connection. Idempotent. */
  close(): Promise<void>;
}

// Retrying these cannot help: the same Dockerfile or input fails the same way.
const FINAL_CODES = new Set<BuilderErrorCode>([
  'BUILD_FAILED',
  'BUILD_INVALID_INPUT',
  'BUILD_INVALID_TARBALL',
  'BUILD_UNSAFE_TARBALL',
  'PUSH_FAILED',
]);

/**
 * Runs build jobs from the `builds` queue with {@link runBuildJob}, at most `concurrency` at once
 * in this process and at most `tenantLimit` per tenant across all processes.
 *
 * Fairness: a job whose tenant has no free slot is moved back to the delayed set (BullMQ's
 * `moveToDelayed` + `DelayedError`, which does not use up an attempt) instead of holding a worker
 * slot, so the worker moves on to the next job in line — another tenant's — and one tenant's
 * backlog can never occupy every worker. Slots are Redis leases ({@link TenantSlots}).
 *
 * @example
 * const builds = startBuildWorker({ queues, docker, registry, releases, sourceFor, redis });
 * await builds.close();
 */
export function startBuildWorker(options: StartBuildWorkerOptions): BuildWorker {
  const { queues, concurrency = 4, overLimitDelayMs = 2000, slotLeaseMs = 60_000, ...deps } = options;
  const logger = deps.logger ?? silentLogger;
  const limitOf = async (tenant: string) =>
    typeof options.tenantLimit === 'function' ? options.tenantLimit(tenant) : (options.tenantLimit ?? 2);
  const slots = new TenantSlots({ redis: deps.redis, prefix: queues.prefix, leaseMs: slotLeaseMs });
  // BullMQ blocks this connection while waiting for jobs, so it cannot be the shared one.
  const connection = deps.redis.duplicate({ maxRetriesPerRequest: null });

  const processor = async (job: Job<BuildJob, BuildJobOutcome>, token?: string, signal?: AbortSignal) => {
    const { tenant } = job.data;
    const holder = job.id ?? job.name;
    if (!(await slots.acquire(tenant, holder, await limitOf(tenant)))) {
      const delay = overLimitDelayMs + Math.floor(Math.random() * overLimitDelayMs * 0.5);
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
    const renewal = setInterval(() => {
      slots.renew(tenant, holder).catch((error: unknown) => {
        logger.warn({ tenant, jobId: holder, err: error }, 'could not renew the tenant build slot');
      });
    }, slotLeaseMs / 3);
    try {
      const result = await runBuildJob(job.data, { ...deps, ...(signal ? { signal } : {}) });
      return {
        releaseId: result.release.id,
        digest: result.release.digest,
        cacheHits: result.cacheHits,
        durationMs: result.durationMs,
        built: result.built,
      };
    } catch (error) {
      if (error instanceof BuilderError && FINAL_CODES.has(error.code))
        throw new UnrecoverableError(error.message);
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
  });
  worker.on('error', (error) => logger.error({ err: error }, 'build worker error'));
  worker.on('failed', (job, error) =>
    logger.warn({ tenant: job?.data.tenant, jobId: job?.id, err: error }, 'build job failed'),
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
