import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type {
  BuildJob,
  DeployFeedbackJob,
  DeployJob,
  PreviewTeardownJob,
  WebhookEventJob,
} from './job-schemas.js';
import { DEFAULT_KEY_PREFIX, QUEUE_NAMES } from './queue-names.js';

const DAY_S = 24 * 60 * 60;

/**
 * Every queue's job options: `attempts` with exponential backoff from `delayMs`, completed jobs
 * kept 3 days (as long as GitHub deliveries are remembered), failed ones 14 for someone to look at.
 */
function retried(attempts: number, delayMs: number) {
  return {
    attempts,
    backoff: { type: 'exponential', delay: delayMs },
    removeOnComplete: { age: 3 * DAY_S },
    removeOnFail: { age: 14 * DAY_S },
  };
}

export interface CreateQueuesOptions {
  /** One connection for every producer. The caller owns it: {@link Queues.close} leaves it open. */
  connection: Redis;
  /** Redis key prefix of every queue (BullMQ's `prefix`). Default `slipway`; tests pass a unique one. */
  prefix?: string;
  /**
   * Connection errors of every queue (BullMQ prints them to the console when nobody listens).
   * Commands still fail on their own; this is for the log.
   */
  onError?: (error: Error, queue: string) => void;
}

/** The producers' side of Slipway's queues, over one Redis connection. */
export interface Queues {
  readonly prefix: string;
  /** The producers' connection (the caller's; for the webhook inbox and other plain keys). */
  readonly connection: Redis;
  readonly webhookEvents: Queue<WebhookEventJob>;
  readonly builds: Queue<BuildJob>;
  /** Build jobs of `builder: circleci` services, consumed by builders/circleci. */
  readonly circleciBuilds: Queue<BuildJob>;
  /** Releases to roll out, consumed by the controller's leader. */
  readonly deploys: Queue<DeployJob>;
  /** Rollout states for the GitHub App's deploy check runs, produced by the controller's leader. */
  readonly deployFeedback: Queue<DeployFeedbackJob>;
  /** Closed pull requests' previews to remove, consumed by the controller (every replica). */
  readonly previewTeardowns: Queue<PreviewTeardownJob>;
  /** Closes the queues (not the connection). Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the producers of every queue over `connection`.
 *
 * Finished jobs are kept for a bounded time only (Redis is not the system of record): three
 * days for completed ones — as long as GitHub deliveries are remembered — and two weeks for
 * failed ones, so someone can look at them.
 *
 * @example
 * const queues = createQueues({ connection: new Redis(url), prefix: 'slipway' });
 * await enqueueWebhookEvent(queues, job);
 * await queues.close();
 */
export function createQueues(options: CreateQueuesOptions): Queues {
  const prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
  const common = { connection: options.connection, prefix };
  const webhookEvents = new Queue<WebhookEventJob>(QUEUE_NAMES.webhookEvents, {
    ...common,
    // The intake worker calls GitHub; a transient failure there must not lose the delivery.
    defaultJobOptions: retried(8, 1000),
  });
  const builds = new Queue<BuildJob>(QUEUE_NAMES.builds, {
    ...common,
    defaultJobOptions: retried(3, 5000),
  });
  // Same payload and retry policy as native builds: the CircleCI builder retries an unreachable API.
  const circleciBuilds = new Queue<BuildJob>(QUEUE_NAMES.circleciBuilds, {
    ...common,
    defaultJobOptions: retried(3, 5000),
  });
  const deploys = new Queue<DeployJob>(QUEUE_NAMES.deploys, {
    ...common,
    defaultJobOptions: retried(5, 2000),
  });
  const deployFeedback = createDeployFeedbackQueue(common);
  const previewTeardowns = new Queue<PreviewTeardownJob>(QUEUE_NAMES.previewTeardowns, {
    ...common,
    defaultJobOptions: retried(8, 2000),
  });
  const all = [webhookEvents, builds, circleciBuilds, deploys, deployFeedback, previewTeardowns];
  const { onError } = options;
  if (onError) {
    for (const queue of all) queue.on('error', (error) => onError(error, queue.name));
  }
  let closing: Promise<void> | undefined;
  return {
    prefix,
    connection: options.connection,
    webhookEvents,
    builds,
    circleciBuilds,
    deploys,
    deployFeedback,
    previewTeardowns,
    close() {
      closing ??= Promise.allSettled(all.map((queue) => queue.close())).then((results) => {
        const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
        if (failures.length > 0) throw new AggregateError(failures, 'closing the queues failed');
      });
      return closing;
    },
  };
}

/**
 * The deploy-feedback producer alone, for a process that enqueues nothing else (the controller,
 * over its own connection). Same options as in {@link createQueues}: the GitHub App calls GitHub
 * for each job, so a transient failure there is retried with backoff. The caller closes it.
 *
 * @example
 * const feedback = createDeployFeedbackQueue({ connection: redis, prefix: 'slipway' });
 * await enqueueDeployFeedback(feedback, job);
 * await feedback.close();
 */
export function createDeployFeedbackQueue(options: {
  connection: Redis;
  prefix?: string;
}): Queue<DeployFeedbackJob> {
  return new Queue<DeployFeedbackJob>(QUEUE_NAMES.deployFeedback, {
    connection: options.connection,
    prefix: options.prefix ?? DEFAULT_KEY_PREFIX,
    defaultJobOptions: retried(8, 1000),
  });
}
