import { QUEUE_NAMES, type Queues, type WebhookEventJob } from '@slipway/queue';
import { Installations, PolicyStore, type StateStore } from '@slipway/state';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ProbotOctokit } from 'probot';
import { classifyFailure, statusOf } from './github-failure.js';
import type { IntakeDeps } from './intake-deps.js';
import { intakePullRequest } from './intake-pull-request.js';
import { intakePush } from './intake-push.js';
import { intakeRerequest } from './intake-rerequest.js';
import { recordInstallation } from './record-installation.js';

export interface StartIntakeWorkerOptions {
  /** The producers: the worker consumes their webhook-events queue (same connection and prefix) and adds builds. */
  queues: Queues;
  /**
   * For the latest-build markers; the caller owns it. Best without an offline queue, so a
   * Redis outage fails the job (retried with backoff) instead of hanging it.
   */
  redis: Redis;
  /** Installation records, tenant bindings, policies and (to count previews) services. */
  store: StateStore;
  /** This app's id (APP_ID): a re-run is honoured only for this app's own check runs. */
  appId: number;
  /**
   * An Octokit for one installation (installation token), or — without an id — for the app
   * itself (app JWT). In production `(id) => probot.auth(id)`. Tokens stay inside it.
   */
  octokitFor(installationId?: number): Promise<ProbotOctokit>;
  logger: Logger;
  /** Clock for check-run timestamps. */
  now?: () => Date;
  /** Jobs handled at once. Default 10: the work is waiting on GitHub, not CPU. */
  concurrency?: number;
}

export interface IntakeWorker {
  readonly worker: Worker<WebhookEventJob>;
  /** Waits for jobs in flight, then stops. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the intake worker on the webhook-events queue: it records installations, turns a
 * push into build jobs and check runs ({@link intakePush}), a pull request into a preview's
 * ({@link intakePullRequest}), and a re-run asked for on GitHub into a new attempt
 * ({@link intakeRerequest}). Not found and bad config are done, not retried; a transient
 * GitHub or Redis error is thrown so BullMQ retries it with the queue's backoff; other GitHub
 * client errors fail the job at once (UnrecoverableError).
 *
 * @example
 * const intake = startIntakeWorker({ queues, redis, store, appId, octokitFor: (id) => probot.auth(id), logger });
 * // … on shutdown
 * await intake.close();
 */
export function startIntakeWorker(options: StartIntakeWorkerOptions): IntakeWorker {
  const { queues, logger } = options;
  const installations = new Installations({ store: options.store });
  const deps: IntakeDeps = {
    queues,
    redis: options.redis,
    store: options.store,
    installations,
    policies: new PolicyStore({ store: options.store }),
    octokitFor: options.octokitFor,
    appId: options.appId,
    now: options.now ?? (() => new Date()),
  };

  const connection = workerConnection(queues);
  const process = async (job: Job<WebhookEventJob>) => {
    const event = job.data;
    // Ids only: never the payload, never a token.
    const log = logger.child({
      deliveryId: event.deliveryId,
      event: event.event,
      action: event.action,
      installationId: event.installationId,
      repository: event.repository?.fullName,
      sha: event.subset.sha,
    });
    try {
      switch (event.event) {
        case 'installation':
        case 'installation_repositories':
          await recordInstallation({
            job: event,
            appOctokit: await options.octokitFor(),
            installations,
            logger: log,
          });
          return 'recorded';
        case 'push':
          return await intakePush({ ...deps, logger: log }, event);
        case 'pull_request':
          return await intakePullRequest({ ...deps, logger: log }, event);
        case 'check_run':
          return event.action === 'rerequested'
            ? await intakeRerequest({ ...deps, logger: log }, event)
            : 'ignored';
      }
    } catch (error) {
      throw classifyFailure(error, `delivery ${event.deliveryId} (${event.event})`);
    }
  };

  const worker = new Worker<WebhookEventJob>(QUEUE_NAMES.webhookEvents, process, {
    connection,
    prefix: queues.prefix,
    concurrency: options.concurrency ?? 10,
  });
  worker.on('failed', (job, error) => {
    // The message and status only: an Octokit error object carries the request, headers included.
    logger.warn(
      {
        deliveryId: job?.data.deliveryId,
        attemptsMade: job?.attemptsMade,
        error: { name: error.name, message: error.message, status: statusOf(error) },
      },
      'intake job failed',
    );
  });
  worker.on('error', (error) =>
    logger.error({ error: { name: error.name, message: error.message } }, 'intake worker error'),
  );

  let closing: Promise<void> | undefined;
  return {
    worker,
    close() {
      closing ??= worker.close().finally(() => connection.quit().catch(() => connection.disconnect()));
      return closing.then(() => undefined);
    },
  };
}

/**
 * A connection of the worker's own, like the producers' one but with the setting BullMQ needs
 * for a worker (commands wait for a reconnect instead of failing after N retries).
 */
function workerConnection(queues: Queues): Redis {
  const base = queues.webhookEvents.opts.connection as Partial<Redis>;
  if (typeof base.duplicate !== 'function') {
    throw new TypeError('startIntakeWorker needs queues made by createQueues over an ioredis connection');
  }
  // The producers' connection may fail fast (no offline queue); a worker should wait out a reconnect.
  return base.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
}
