import { type WebhookEventJob, webhookEventJobSchema } from './job-schemas.js';
import { QueueError } from './queue-error.js';
import type { Queues } from './queues.js';

export interface EnqueueOptions {
  /**
   * Give up (and throw) after this long. The webhook middleware answers GitHub 202 on its own
   * after 9 s whether or not we enqueued, so we must fail — answer 5xx — before that.
   * Default 5000.
   */
  timeoutMs?: number;
}

/**
 * Adds a verified delivery to the webhook-events queue, durably: it is in Redis when this
 * resolves. The delivery id is the job id, so adding the same delivery twice adds one job.
 *
 * @throws QueueError INVALID_JOB_PAYLOAD when `job` does not match the schema (a bug in the caller),
 *   ENQUEUE_TIMEOUT when Redis did not confirm in time.
 * @returns the job id.
 */
export async function enqueueWebhookEvent(
  queues: Queues,
  job: WebhookEventJob,
  options: EnqueueOptions = {},
): Promise<string> {
  const parsed = webhookEventJobSchema.safeParse(job);
  if (!parsed.success) {
    throw new QueueError(
      'INVALID_JOB_PAYLOAD',
      `Webhook event job for delivery ${String(job.deliveryId)} is invalid: ${parsed.error.message}`,
      { cause: parsed.error },
    );
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new QueueError(
            'ENQUEUE_TIMEOUT',
            `Redis did not confirm delivery ${job.deliveryId} within ${timeoutMs} ms; check that Redis is up. GitHub will show the delivery as failed: redeliver it from the app's settings.`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    const added = await Promise.race([
      queues.webhookEvents.add(`${parsed.data.event}`, parsed.data, { jobId: webhookJobId(parsed.data) }),
      timeout,
    ]);
    return added.id ?? webhookJobId(parsed.data);
  } finally {
    clearTimeout(timer);
  }
}

/** The job id of a delivery. BullMQ refuses ids that are integers, so it is namespaced. */
export function webhookJobId(job: Pick<WebhookEventJob, 'deliveryId'>): string {
  return `delivery-${job.deliveryId}`;
}
