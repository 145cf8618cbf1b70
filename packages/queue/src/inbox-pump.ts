import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { webhookJobId } from './enqueue-webhook-event.js';
import { type WebhookEventJob, webhookEventJobSchema } from './job-schemas.js';
import type { Queues } from './queues.js';
import { webhookInboxDeadKey, webhookInboxKey } from './webhook-inbox.js';

const GROUP = 'pump';

/** The few logger methods the pump uses (pino's shape). */
export interface PumpLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface StartInboxPumpOptions {
  /** The producers: entries go to their webhook-events queue, under their prefix and connection. */
  queues: Queues;
  logger?: PumpLogger;
  /** Entries moved per batch. Default 500. */
  batchSize?: number;
  /** How long one read waits for new entries. Default 1000 ms (also how quickly close() returns). */
  blockMs?: number;
  /** Entries another pump read but did not finish for this long are taken over (it crashed). Default 30 s. */
  claimIdleMs?: number;
  /** This pump's name in the consumer group. Default host:pid:random. */
  consumer?: string;
}

export interface InboxPump {
  /** Entries moved into the queue so far (repeats included; the queue drops those). */
  readonly moved: number;
  /** Stops after the batch in hand. Idempotent. */
  close(): Promise<void>;
}

type StreamEntry = [id: string, fields: string[]];

/**
 * Moves deliveries from the webhook inbox (see `appendToInbox`) into the webhook-events queue in
 * batches, as a member of a Redis consumer group: an entry is acknowledged and deleted only once
 * its job is in the queue, so a pump killed mid-batch loses nothing — its entries stay pending and
 * another pump claims them after `claimIdleMs`. The delivery id is the job id, so a delivery moved
 * twice (or sent twice by GitHub) becomes one job.
 *
 * @example
 * const pump = startInboxPump({ queues, logger });
 * await pump.close();
 */
export function startInboxPump(options: StartInboxPumpOptions): InboxPump {
  const { queues } = options;
  const key = webhookInboxKey(queues.prefix);
  const batchSize = options.batchSize ?? 500;
  const blockMs = options.blockMs ?? 1000;
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const consumer = options.consumer ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const logger = options.logger;
  // XREADGROUP BLOCK holds its connection; the producers' one must stay free.
  const blocking = queues.connection.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
  blocking.on('error', () => {}); // reported by the loop, which retries
  let closed = false;
  let moved = 0;

  const move = async (entries: StreamEntry[]) => {
    if (entries.length === 0) return;
    const jobs: WebhookEventJob[] = [];
    const dead = queues.connection.pipeline();
    for (const [id, fields] of entries) {
      const parsed = parseEntry(fields);
      if (parsed.ok) jobs.push(parsed.job);
      else {
        dead.xadd(webhookInboxDeadKey(queues.prefix), '*', 'entry', id, 'reason', parsed.reason, ...fields);
        logger?.error(
          { entry: id, reason: parsed.reason },
          'webhook inbox entry is not a job; kept in the dead list',
        );
      }
    }
    if (dead.length > 0) await dead.exec();
    await queues.webhookEvents.addBulk(
      jobs.map((job) => ({ name: job.event, data: job, opts: { jobId: webhookJobId(job) } })),
    );
    const ids = entries.map(([id]) => id);
    await queues.connection
      .pipeline()
      .xack(key, GROUP, ...ids)
      .xdel(key, ...ids)
      .exec();
    moved += jobs.length;
  };

  const loop = async () => {
    await ensureGroup(queues.connection, key);
    // Our own unfinished entries first (a failed batch), then new ones; other pumps' stale ones now and then.
    let backlog = true;
    let nextClaim = 0;
    let failures = 0;
    while (!closed) {
      try {
        if (Date.now() >= nextClaim) {
          nextClaim = Date.now() + claimIdleMs / 2;
          const [, claimed] = (await queues.connection.xautoclaim(
            key,
            GROUP,
            consumer,
            claimIdleMs,
            '0-0',
            'COUNT',
            batchSize,
          )) as [string, StreamEntry[]];
          await move(claimed.filter((entry) => entry[1] !== null));
        }
        const reply = (
          backlog
            ? await blocking.xreadgroup('GROUP', GROUP, consumer, 'COUNT', batchSize, 'STREAMS', key, '0')
            : await blocking.xreadgroup(
                'GROUP',
                GROUP,
                consumer,
                'COUNT',
                batchSize,
                'BLOCK',
                blockMs,
                'STREAMS',
                key,
                '>',
              )
        ) as [string, StreamEntry[]][] | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (backlog && entries.length === 0) backlog = false;
        await move(entries);
        failures = 0;
      } catch (error) {
        if (closed) break;
        failures += 1;
        backlog = true;
        logger?.warn({ err: error, failures }, 'webhook inbox pump failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** failures, 5000)));
      }
    }
  };

  const running = loop();
  let closing: Promise<void> | undefined;
  return {
    get moved() {
      return moved;
    },
    close() {
      closing ??= (async () => {
        closed = true;
        blocking.disconnect(); // ends a blocked read at once
        await running;
      })();
      return closing;
    },
  };
}

async function ensureGroup(redis: Redis, key: string): Promise<void> {
  try {
    // From the start of the stream: entries appended before any pump existed are moved too.
    await redis.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM');
  } catch (error) {
    if (!(error instanceof Error && error.message.includes('BUSYGROUP'))) throw error;
  }
}

function parseEntry(fields: string[]): { ok: true; job: WebhookEventJob } | { ok: false; reason: string } {
  const index = fields.indexOf('job');
  const text = index >= 0 && index % 2 === 0 ? fields[index + 1] : undefined;
  if (text === undefined) return { ok: false, reason: 'no job field' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'job is not JSON' };
  }
  const parsed = webhookEventJobSchema.safeParse(value);
  return parsed.success
    ? { ok: true, job: parsed.data }
    : { ok: false, reason: parsed.error.message.slice(0, 500) };
}
