import { createWebhookInboxWriter, type Queues, type WebhookEventJob } from '@slipway/queue';

export interface Inbox {
  /** Appends a delivery's job to the webhook inbox; resolves once Redis has it. */
  append(job: WebhookEventJob): Promise<string>;
  /** Waits for the appends in hand, then closes the connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * The webhook inbox writer, on a connection of its own: on the queues' connection, where BullMQ
 * defines its scripts, every pipeline copies all of them — more work than the appends it carries.
 * Resolves once the connection is up or has failed (appends then fail at once: GitHub gets a 5xx).
 */
export async function openInbox(queues: Queues, timeoutMs: number): Promise<Inbox> {
  const redis = queues.connection.duplicate({ lazyConnect: false });
  redis.on('error', () => {}); // the queues' connection reports outages; each failed append says why
  await new Promise<void>((resolve) => {
    const settle = () => {
      redis.off('ready', settle).off('error', settle);
      resolve();
    };
    redis.on('ready', settle).on('error', settle);
  });
  const writer = createWebhookInboxWriter(redis, { prefix: queues.prefix, timeoutMs });
  let closing: Promise<void> | undefined;
  return {
    append: writer.append,
    close() {
      closing ??= writer.close().then(() =>
        redis.status === 'ready'
          ? redis.quit().then(
              () => undefined,
              () => redis.disconnect(),
            )
          : redis.disconnect(),
      );
      return closing;
    },
  };
}
