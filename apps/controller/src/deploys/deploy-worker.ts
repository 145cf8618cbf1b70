import {
  type DeployJob,
  deployJobSchema,
  isPreviewClosed,
  previewNumberOf,
  QUEUE_NAMES,
} from '@slipway/queue';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SchedulerSignals } from '../scheduler/scheduler-signals.js';
import { type ApplyOutcome, type ApplyReleaseDeps, applyRelease, DeployRefused } from './apply-release.js';

export interface DeployWorkerOptions extends ApplyReleaseDeps {
  /** A connection the worker may block on; it is duplicated, not used itself. */
  redis: Redis;
  /** BullMQ's key prefix, shared with the builders (`SLIPWAY_REDIS_PREFIX`). */
  prefix: string;
  signals: SchedulerSignals;
  logger: Logger;
}

const SAID: Record<ApplyOutcome, string> = {
  created: 'created',
  updated: 'updated',
  unchanged: 'unchanged',
  older: 'skipped (older than the current one)',
  'preview-closed': 'skipped (its pull request is closed; the preview is not made again)',
};

/**
 * Consumes the `deploys` queue on every replica: each job makes its Release current
 * ({@link applyRelease}) with conditional writes, so any replica may take it, then wakes the
 * leader's scheduler. A refused deploy (policy, missing release) fails at once and is kept in
 * the failed set with its reason; store or Redis trouble is retried with backoff.
 */
export function startDeployWorker(options: DeployWorkerOptions): { close(): Promise<void> } {
  const connection = options.redis.duplicate({ maxRetriesPerRequest: null });
  const previewClosed = (job: DeployJob) =>
    isPreviewClosed(options.redis, {
      tenant: job.tenant,
      repositoryId: job.repository.id,
      number: previewNumberOf(job.environment) ?? 0,
      prefix: options.prefix,
    });
  const worker = new Worker<DeployJob, { outcome: ApplyOutcome }>(
    QUEUE_NAMES.deploys,
    async (job) => {
      const data = deployJobSchema.parse(job.data);
      const fields = {
        tenant: data.tenant,
        environment: data.environment,
        service: data.service,
        releaseId: data.releaseId,
      };
      try {
        const outcome = await applyRelease({ ...options, previewClosed }, data);
        options.logger.info({ ...fields, outcome }, `deploy: release ${SAID[outcome]}`);
        if (outcome !== 'older' && outcome !== 'preview-closed') await options.signals.wake(data.tenant);
        return { outcome };
      } catch (error) {
        if (error instanceof DeployRefused) {
          options.logger.warn({ ...fields, denials: error.denials }, `deploy refused: ${error.message}`);
          throw new UnrecoverableError(error.message);
        }
        throw error;
      }
    },
    { connection, prefix: options.prefix, concurrency: 4 },
  );
  worker.on('error', (error) => options.logger.error({ err: error }, 'deploy worker error'));
  let closing: Promise<void> | undefined;
  return {
    close: () => {
      closing ??= (async () => {
        await worker.close();
        connection.disconnect();
      })();
      return closing;
    },
  };
}
