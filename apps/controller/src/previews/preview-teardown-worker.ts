import { type PreviewTeardownJob, previewTeardownJobSchema, QUEUE_NAMES } from '@slipway/queue';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { SchedulerSignals } from '../scheduler/scheduler-signals.js';
import { type TeardownDeps, type TeardownOutcome, teardownPreview } from './teardown-preview.js';

export interface PreviewTeardownWorkerOptions extends TeardownDeps {
  signals: SchedulerSignals;
  logger: Logger;
}

/**
 * Consumes `preview-teardowns` on every replica ({@link teardownPreview}), then wakes the leader's
 * scheduler, which stops the removed services' allocations and takes them off the edge. Store or
 * Redis trouble (and a service changed while it was being deleted) is retried with backoff.
 */
export function startPreviewTeardownWorker(options: PreviewTeardownWorkerOptions): {
  close(): Promise<void>;
} {
  const connection = options.redis.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker<PreviewTeardownJob, TeardownOutcome>(
    QUEUE_NAMES.previewTeardowns,
    async (job) => {
      const parsed = previewTeardownJobSchema.safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError(`invalid preview teardown job: ${parsed.error.message}`);
      const data = parsed.data;
      const outcome = await teardownPreview(options, data);
      const fields = {
        tenant: data.tenant,
        environment: data.environment,
        repository: data.repository.fullName,
      };
      if ('reopened' in outcome)
        options.logger.info(fields, 'preview teardown: the pull request is open again');
      else {
        options.logger.info({ ...fields, removed: outcome.removed }, 'preview torn down');
        if (outcome.removed.length > 0) await options.signals.wake(data.tenant);
      }
      return outcome;
    },
    { connection, prefix: options.prefix, concurrency: 2 },
  );
  worker.on('error', (error) => options.logger.error({ err: error }, 'preview teardown worker error'));
  let closing: Promise<void> | undefined;
  return {
    close: () => {
      closing ??= worker.close().finally(() => connection.disconnect());
      return closing;
    },
  };
}
