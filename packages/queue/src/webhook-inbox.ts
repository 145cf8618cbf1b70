import type { Redis } from 'ioredis';
import { parseWebhookEventJob } from './enqueue-webhook-event.js';
import type { WebhookEventJob } from './job-schemas.js';
import { QueueError } from './queue-error.js';

/**
 * The webhook inbox: a Redis stream that the GitHub App appends each verified delivery to before
 * it answers GitHub. One XADD is the whole cost of the acknowledgement path — a BullMQ add costs
 * three times the CPU — and it is just as durable. The {@link startInboxPump} moves entries into
 * the webhook-events queue in batches, where the delivery id as job id drops repeats.
 */
export function webhookInboxKey(prefix: string): string {
  return `${prefix}:webhook-inbox`;
}

/** Entries the pump could not read (not JSON, not a job): kept for a person, never dropped silently. */
export function webhookInboxDeadKey(prefix: string): string {
  return `${prefix}:webhook-inbox-dead`;
}

export interface AppendToInboxOptions {
  /** Redis key prefix, as given to createQueues. */
  prefix: string;
  /**
   * Give up (and throw) after this long. The webhook middleware answers GitHub on its own after
   * 9 s whether or not we stored the delivery, so we must fail — answer 5xx — before that.
   * Default 5000.
   */
  timeoutMs?: number;
}

/**
 * Appends a verified delivery to the inbox, durably: it is in Redis when this resolves.
 *
 * @throws QueueError INVALID_JOB_PAYLOAD when `job` does not match the schema (a bug in the caller),
 *   ENQUEUE_TIMEOUT when Redis did not confirm in time.
 * @returns the stream entry id.
 */
export async function appendToInbox(
  redis: Redis,
  job: WebhookEventJob,
  options: AppendToInboxOptions,
): Promise<string> {
  const data = parseWebhookEventJob(job);
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
    const id = await Promise.race([
      redis.xadd(webhookInboxKey(options.prefix), '*', 'job', JSON.stringify(data)),
      timeout,
    ]);
    if (id === null) throw new QueueError('ENQUEUE_TIMEOUT', `Redis refused delivery ${job.deliveryId}`);
    return id;
  } finally {
    clearTimeout(timer);
  }
}
