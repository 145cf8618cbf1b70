import type { Redis } from 'ioredis';
import type { WebhookEventJob } from './job-schemas.js';
import { QueueError } from './queue-error.js';
import { webhookInboxKey } from './webhook-inbox.js';

export interface WebhookInboxWriterOptions {
  /** Redis key prefix, as given to createQueues. */
  prefix: string;
  /**
   * An append that Redis has not confirmed this long after it was asked for fails (so GitHub
   * gets a 5xx before the webhook middleware's own 9 s answer). Default 5000.
   */
  timeoutMs?: number;
  /** Most appends sent in one write. Default 500. */
  maxBatch?: number;
}

/** Appends deliveries to the webhook inbox, grouped: see {@link createWebhookInboxWriter}. */
export interface WebhookInboxWriter {
  /**
   * Appends one delivery; resolves with its stream entry id once Redis has it (durable).
   * Unlike `appendToInbox` it does not check `job` against the schema first — it is on the path
   * GitHub waits on, and its caller builds the job from a checked payload; the pump checks every
   * entry on the way out and keeps one that fails in the dead list, logged.
   * @throws QueueError ENQUEUE_TIMEOUT when Redis did not confirm in time or the writer is
   *   closed; Redis's error when it refused.
   */
  append(job: WebhookEventJob): Promise<string>;
  /** Refuses new appends and waits for those in hand to be confirmed or to fail. Idempotent. */
  close(): Promise<void>;
}

interface Pending {
  deliveryId: string;
  text: string;
  deadline: number;
  resolve(id: string): void;
  reject(error: unknown): void;
}

/**
 * The GitHub App's writer to the webhook inbox (see `appendToInbox`): appends go to Redis in
 * groups, an XADD each, in one write whose replies come back in one read. A group leaves at the
 * end of the event-loop turn its first append came in, unless one is already on its way: then it
 * gathers until that one is answered (at most a round trip). So an idle app writes at once, and a
 * busy one makes one round trip for many deliveries instead of one each — on a loaded machine
 * each write costs a system call and a wake-up of Redis. Each append still resolves only once
 * Redis has confirmed its own XADD, and none waits longer than `timeoutMs` in all.
 * Give it a connection of its own: a pipeline on one where BullMQ defined its scripts copies
 * every one of them.
 *
 * @example
 * const inbox = createWebhookInboxWriter(redis, { prefix: queues.prefix });
 * await inbox.append(job); // in Redis now: answer GitHub
 * await inbox.close();
 */
export function createWebhookInboxWriter(
  redis: Redis,
  options: WebhookInboxWriterOptions,
): WebhookInboxWriter {
  const key = webhookInboxKey(options.prefix);
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBatch = options.maxBatch ?? 500;
  let waiting: Pending[] = [];
  let sending = false; // a group on its way: the next waits for its answer
  let scheduled = false;
  let closed = false;
  let onIdle: (() => void) | undefined;

  const schedule = () => {
    if (scheduled || sending || waiting.length === 0) return;
    scheduled = true;
    setImmediate(send); // after this turn's I/O: the deliveries that came with it join the group
  };

  const send = () => {
    scheduled = false;
    if (waiting.length === 0) return;
    const batch = waiting.length <= maxBatch ? waiting : waiting.slice(0, maxBatch);
    waiting = waiting.length <= maxBatch ? [] : waiting.slice(maxBatch);
    sending = true;
    let settled = false;
    const settle = (each: (pending: Pending, index: number) => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      batch.forEach(each);
      sending = false;
      schedule(); // what gathered meanwhile (or the rest of an oversized group) goes next
      if (!sending && waiting.length === 0) onIdle?.();
    };
    // The oldest append's deadline: no append waits longer than timeoutMs in all.
    const timer = setTimeout(
      () => settle((pending) => pending.reject(timeoutError(pending.deliveryId, timeoutMs))),
      Math.max(0, batch[0]!.deadline - Date.now()),
    );
    const pipeline = redis.pipeline();
    for (const pending of batch) pipeline.xadd(key, '*', 'job', pending.text);
    pipeline.exec().then(
      (results) =>
        settle((pending, index) => {
          const [error, id] = results?.[index] ?? [new Error('Redis sent no reply'), null];
          if (error) pending.reject(error);
          else if (typeof id === 'string') pending.resolve(id);
          else
            pending.reject(new QueueError('ENQUEUE_TIMEOUT', `Redis refused delivery ${pending.deliveryId}`));
        }),
      (error: unknown) => settle((pending) => pending.reject(error)),
    );
  };

  let closing: Promise<void> | undefined;
  return {
    async append(job) {
      if (closed) {
        throw new QueueError(
          'ENQUEUE_TIMEOUT',
          `The webhook inbox writer is closed; delivery ${job.deliveryId} was not stored`,
        );
      }
      return new Promise<string>((resolve, reject) => {
        waiting.push({
          deliveryId: job.deliveryId,
          text: JSON.stringify(job),
          deadline: Date.now() + timeoutMs,
          resolve,
          reject,
        });
        schedule();
      });
    },
    close() {
      closed = true;
      closing ??= new Promise<void>((resolve) => {
        if (!sending && waiting.length === 0) return resolve();
        onIdle = resolve;
      });
      return closing;
    },
  };
}

function timeoutError(deliveryId: string, timeoutMs: number): QueueError {
  return new QueueError(
    'ENQUEUE_TIMEOUT',
    `Redis did not confirm delivery ${deliveryId} within ${timeoutMs} ms; check that Redis is up. GitHub will show the delivery as failed: redeliver it from the app's settings.`,
  );
}
