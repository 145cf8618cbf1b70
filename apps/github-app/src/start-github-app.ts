import { createQueues, type Queues, startInboxPump } from '@slipway/queue';
import { createStateStore, type StateStore } from '@slipway/state';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { GitHubAppConfig } from './config.js';
import { type CreateGitHubAppOptions, createGitHubApp, type GitHubApp } from './create-github-app.js';
import { type DeployFeedbackWorker, startDeployFeedbackWorker } from './deploy-feedback/index.js';
import { type IntakeWorker, startIntakeWorker } from './intake/index.js';

export interface StartGitHubAppOptions {
  /** From {@link githubAppConfigFromEnv}. */
  config: GitHubAppConfig;
  logger: Logger;
  /** Clock for `receivedAt` and check-run times. */
  now?: () => Date;
  /** probot's request throttling; default on (see {@link CreateGitHubAppOptions.throttle}). */
  throttle?: boolean;
}

/** The GitHub App, running: webhook server, intake worker and deploy-feedback worker. */
export interface RunningGitHubApp {
  /** The port the webhook server listens on: `config.port`, or the one picked for port 0. */
  readonly port: number;
  /**
   * Stops, in order: the webhook server (no new deliveries; those in flight are answered), the
   * inbox pump (the batch in hand reaches the queue), the intake and deploy-feedback workers (jobs in flight finish), the queues, the state store, Redis. Every step runs
   * even when one fails (the failures are thrown together afterwards). Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Starts the whole GitHub App in this process: connects to Redis, opens the queues and the
 * state store, serves webhooks on `config.host:config.port`, and runs the inbox pump, the intake worker
 * and the deploy-feedback worker (rollouts → "Slipway deploy / <service>" check runs).
 * No side effects besides what it starts: no environment reads, no signal handlers, no exit.
 *
 * @throws GitHubAppStartError REDIS_UNAVAILABLE when Redis does not answer; the listen error when the
 *   port is taken. Whatever was started is closed first.
 * @example
 * const app = await startGitHubApp({ config: githubAppConfigFromEnv(process.env), logger });
 * process.once('SIGTERM', () => void app.close());
 */
export async function startGitHubApp(options: StartGitHubAppOptions): Promise<RunningGitHubApp> {
  const { config, logger } = options;
  const started = new Map<Part, () => Promise<unknown>>();
  const close = closer(started);
  try {
    // Fail fast while Redis is away: a webhook must get a 5xx, not a late answer.
    const redis = new Redis(config.redisUrl, { enableOfflineQueue: false, lazyConnect: true });
    redis.on('error', (error) => logger.error({ err: error }, 'Redis connection error'));
    started.set('redis', () => redis.quit().catch(() => redis.disconnect()));
    await redis.connect().catch((error: unknown) => {
      throw new GitHubAppStartError(
        'REDIS_UNAVAILABLE',
        `Redis at ${redisAddress(config.redisUrl)} does not answer: start it, or point REDIS_URL at one.`,
        { cause: error },
      );
    });

    const queues: Queues = createQueues({
      connection: redis,
      prefix: config.keyPrefix,
      onError: (error, queue) => logger.error({ err: error, queue }, 'queue connection error'),
    });
    started.set('queues', () => queues.close());
    const store: StateStore = createStateStore(config.state);
    started.set('state store', () => store.close());

    const app: GitHubApp = await createGitHubApp({
      config,
      queues,
      logger,
      ...(options.now ? { now: options.now } : {}),
      ...(options.throttle === false ? { throttle: false } : {}),
    });
    started.set('webhook server', () => app.close());
    const port = await app.listen(config.port, config.host);

    const pump = startInboxPump({ queues, logger: logger.child({ name: 'inbox-pump' }) });
    started.set('inbox pump', () => pump.close());
    const intake: IntakeWorker = startIntakeWorker({
      queues,
      redis,
      store,
      appId: Number(config.appId),
      octokitFor: (installationId) => app.probot.auth(installationId),
      logger: logger.child({ name: 'intake' }),
      ...(options.now ? { now: options.now } : {}),
    });
    started.set('intake worker', () => intake.close());
    const deployFeedback: DeployFeedbackWorker = startDeployFeedbackWorker({
      queues,
      redis,
      octokitFor: (installationId) => app.probot.auth(installationId),
      logger: logger.child({ name: 'deploy-feedback' }),
      ...(options.now ? { now: options.now } : {}),
    });
    started.set('deploy feedback worker', () => deployFeedback.close());
    logger.info(
      {
        port,
        baseUrl: config.baseUrl ?? 'https://api.github.com',
        state: config.state.mode,
        prefix: config.keyPrefix,
      },
      'GitHub App started',
    );
    return { port, close };
  } catch (error) {
    await close().catch((closeError: unknown) =>
      logger.error({ err: closeError }, 'cleanup after a failed start failed'),
    );
    throw error;
  }
}

/** The app could not start; `code` says which part, the message what to do. */
export class GitHubAppStartError extends Error {
  override readonly name = 'GitHubAppStartError';
  constructor(
    readonly code: 'REDIS_UNAVAILABLE',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** host:port of a Redis URL, without the credentials it may carry. */
function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'REDIS_URL';
  }
}

type Part =
  | 'webhook server'
  | 'inbox pump'
  | 'intake worker'
  | 'deploy feedback worker'
  | 'queues'
  | 'state store'
  | 'redis';
// No new deliveries first, then the inbox's last batch, then the jobs in flight, then what they used.
const CLOSE_ORDER: readonly Part[] = [
  'webhook server',
  'inbox pump',
  'intake worker',
  'deploy feedback worker',
  'queues',
  'state store',
  'redis',
];

/** Closes what was started in {@link CLOSE_ORDER}, once, every part even when some fail. */
function closer(started: ReadonlyMap<Part, () => Promise<unknown>>) {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      const failures: unknown[] = [];
      for (const part of CLOSE_ORDER) {
        try {
          await started.get(part)?.();
        } catch (error) {
          failures.push(new Error(`closing the ${part} failed`, { cause: error }));
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, 'stopping the GitHub App failed');
    })();
    return closing;
  };
}
