import { type WebhookEventJob, webhookEventJobSchema } from './job-schemas.js';
import { QueueError } from './queue-error.js';
import type { Queues } from './queues.js';

/**
 * Validates a delivery's job, or throws QueueError INVALID_JOB_PAYLOAD (a bug in the caller:
 * the GitHub App builds these from verified payloads).
 */
export function parseWebhookEventJob(job: WebhookEventJob): WebhookEventJob {
  const parsed = webhookEventJobSchema.safeParse(job);
  if (parsed.success) return parsed.data;
  throw new QueueError(
    'INVALID_JOB_PAYLOAD',
    `Webhook event job for delivery ${String(job.deliveryId)} is invalid: ${parsed.error.message}`,
    { cause: parsed.error },
  );
}

/**
 * Adds a delivery straight to the webhook-events queue, skipping the inbox (the GitHub App's
 * webhook handler appends to the inbox instead: see `appendToInbox`). For tools and tests.
 * The delivery id is the job id, so adding the same delivery twice adds one job.
 *
 * @throws QueueError INVALID_JOB_PAYLOAD when `job` does not match the schema.
 * @returns the job id.
 */
export async function enqueueWebhookEvent(queues: Queues, job: WebhookEventJob): Promise<string> {
  const data = parseWebhookEventJob(job);
  const added = await queues.webhookEvents.add(data.event, data, { jobId: webhookJobId(data) });
  return added.id ?? webhookJobId(data);
}

/** The job id of a delivery. BullMQ refuses ids that are integers, so it is namespaced. */
export function webhookJobId(job: Pick<WebhookEventJob, 'deliveryId'>): string {
  return `delivery-${job.deliveryId}`;
}
