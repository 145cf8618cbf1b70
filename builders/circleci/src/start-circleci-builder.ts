import { GitHubInstallations, registryFor } from '@slipway/builder-docker';
import { createQueues } from '@slipway/queue';
import { LocalKeyCipher, loadSecretsKey, SecretsRepository } from '@slipway/secrets';
import { createRepositories, createStateStore, PolicyStore } from '@slipway/state';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CircleciClient } from './api/circleci-client.js';
import { storedCircleciSecrets } from './circleci-secrets.js';
import type { CircleciBuilderConfig } from './config/circleci-config.js';
import { GitHubCircleciFeedback } from './feedback/circleci-check-run.js';
import { startWebhookServer } from './webhooks/webhook-receiver.js';
import { startCircleciWorker } from './worker/start-circleci-worker.js';

/** A running CircleCI builder: the hand-off worker and the webhook receiver. */
export interface CircleciBuilder {
  /** Where CircleCI posts webhooks: `<webhookUrl>/circleci/webhooks/<tenant>`. */
  readonly webhookUrl: string;
  /** Stops taking jobs, waits for the followed pipelines' jobs, closes everything. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the CircleCI builder in this process: a BullMQ worker on `circleci-builds` and the
 * webhook receiver on SLIPWAY_CIRCLECI_WEBHOOK_PORT, over the same Redis, state store, registry
 * and GitHub App as the native builder.
 *
 * @example
 * const builder = await startCircleciBuilder({ config: circleciConfigFromEnv(process.env, process.cwd()), logger });
 */
export async function startCircleciBuilder(options: {
  config: CircleciBuilderConfig;
  logger: Logger;
}): Promise<CircleciBuilder> {
  const { config, logger } = options;
  const { shared } = config;
  // The controller's key (same source, same rules), so the tenants' CIRCLECI_TOKEN can be read.
  // Loaded first: a bad key fails the start before any connection is opened.
  const key = loadSecretsKey({ secretsKey: config.secretsKey, mode: shared.mode, dataDir: config.dataDir });
  const redis = new Redis(shared.redisUrl);
  redis.on('error', (error) => logger.error({ err: error }, 'Redis connection error'));
  const queues = createQueues({
    connection: redis,
    prefix: shared.keyPrefix,
    onError: (error, queue) => logger.error({ err: error, queue }, 'queue connection error'),
  });
  const store = createStateStore(shared.state);
  const secrets = storedCircleciSecrets(
    new SecretsRepository({
      store,
      cipher: new LocalKeyCipher({ keys: { local: key }, activeKeyId: 'local' }),
    }),
  );
  const registry = registryFor(shared.registry);
  const installations = new GitHubInstallations({ ...shared.github, logger });
  const steps: Array<() => Promise<unknown>> = [
    () => queues.close(),
    () => registry.close(),
    () => store.close(),
    () => redis.quit(),
  ];
  try {
    const webhooks = await startWebhookServer({
      ...config.webhook,
      redis,
      prefix: shared.keyPrefix,
      secrets,
      logger,
    });
    steps.unshift(() => webhooks.close());
    const worker = startCircleciWorker({
      queues,
      client: new CircleciClient({ baseUrl: config.apiUrl, logger }),
      secrets,
      registry,
      repos: createRepositories(store),
      policies: new PolicyStore({ store }),
      redis,
      feedback: new GitHubCircleciFeedback({ installations, logger }),
      logger,
      appUrl: config.appUrl,
      pollIntervalMs: config.pollIntervalMs,
      timeoutMs: config.timeoutMs,
      noWorkflowMs: config.noWorkflowMs,
      concurrency: config.concurrency,
    });
    steps.unshift(() => worker.close());
    await worker.worker.waitUntilReady();
    logger.info(
      { webhookUrl: webhooks.url, api: config.apiUrl, pollIntervalMs: config.pollIntervalMs },
      'CircleCI builder started',
    );
    let closing: Promise<void> | undefined;
    return {
      webhookUrl: webhooks.url,
      close() {
        closing ??= closeAll(steps);
        return closing;
      },
    };
  } catch (error) {
    await closeAll(steps).catch(() => undefined);
    throw error;
  }
}

/** Runs every step, in order, even when one fails; then reports all failures together. */
async function closeAll(steps: Array<() => Promise<unknown>>): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, 'closing the CircleCI builder failed');
}
