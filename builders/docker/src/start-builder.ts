import { EcrRegistry, type ImageRegistry, LocalRegistry } from '@slipway/cloud';
import { createQueues } from '@slipway/queue';
import { createRepositories, createStateStore, PolicyStore } from '@slipway/state';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import type { BuilderConfig, RegistryConfig } from './config/builder-config.js';
import { GitHubBuildFeedback } from './feedback/github-build-feedback.js';
import { GitHubInstallations } from './github/github-installations.js';
import { githubTarballSource } from './github/github-tarball-source.js';
import { policyTenantLimit } from './worker/build-policy.js';
import { startBuildWorker } from './worker/start-build-worker.js';
import type { WorkerLogger } from './worker/worker-logger.js';

export interface StartBuilderOptions {
  /** From {@link builderConfigFromEnv}. */
  config: BuilderConfig;
  /** A pino logger (or anything with info/warn/error(fields, message)). */
  logger: WorkerLogger;
  /** Extra labels on every image built (tests label theirs for cleanup). */
  labels?: Record<string, string>;
}

/** A running native builder. */
export interface Builder {
  /** Stops taking jobs, waits for running builds, then closes every connection. Idempotent. */
  close(): Promise<void>;
}

/** ECR in AWS mode, the local registry in local mode. */
export function registryFor(config: RegistryConfig): ImageRegistry {
  if (config.kind === 'local') return new LocalRegistry({ address: config.address });
  return new EcrRegistry({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.pushRegistry ? { pushRegistry: config.pushRegistry } : {}),
  });
}

/**
 * Starts the native builder in this process: a BullMQ worker on the `builds` queue that builds
 * with the Docker engine, pushes to the registry of the mode, records Builds, logs and Releases
 * in the state store, reports on GitHub check runs and enqueues deploys. Checks first that the
 * Docker engine answers, so a wrong DOCKER_HOST fails here rather than at the first build.
 *
 * @example
 * const builder = await startBuilder({ config: builderConfigFromEnv(process.env, process.cwd()), logger });
 * process.once('SIGTERM', () => void builder.close());
 */
export async function startBuilder(options: StartBuilderOptions): Promise<Builder> {
  const { config, logger } = options;
  const docker = new Docker(config.docker);
  try {
    await docker.ping();
  } catch (error) {
    const where =
      'socketPath' in config.docker
        ? config.docker.socketPath
        : `${config.docker.host}:${config.docker.port}`;
    throw new Error(`The Docker engine at ${where} does not answer; start it or fix DOCKER_HOST.`, {
      cause: error,
    });
  }
  // Shared by the producers, the log streams and the markers; the worker blocks on a duplicate of its own.
  const redis = new Redis(config.redisUrl);
  redis.on('error', (error) => logger.error({ err: error }, 'Redis connection error'));
  const queues = createQueues({
    connection: redis,
    prefix: config.keyPrefix,
    onError: (error, queue) => logger.error({ err: error, queue }, 'queue connection error'),
  });
  const store = createStateStore(config.state);
  const policies = new PolicyStore({ store });
  const registry = registryFor(config.registry);
  const installations = new GitHubInstallations({ ...config.github, logger });
  const builds = startBuildWorker({
    queues,
    docker,
    registry,
    repos: createRepositories(store),
    policies,
    sourceFor: githubTarballSource({ installations }),
    feedback: new GitHubBuildFeedback({ installations }),
    redis,
    prefix: config.keyPrefix,
    logger,
    concurrency: config.concurrency,
    tenantLimit: policyTenantLimit(policies),
    lockDurationMs: config.worker.lockDurationMs,
    stalledIntervalMs: config.worker.stalledIntervalMs,
    ...(options.labels ? { extraLabels: options.labels } : {}),
  });
  await builds.worker.waitUntilReady();
  logger.info(
    {
      mode: config.mode,
      registry: config.registry.kind,
      concurrency: config.concurrency,
      prefix: config.keyPrefix,
    },
    'native builder started',
  );

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= closeAll([
        () => builds.close(),
        () => queues.close(),
        () => registry.close(),
        () => store.close(),
        () => redis.quit().then(() => undefined),
      ]);
      return closing;
    },
  };
}

/** Runs every step, in order, even when one fails; then reports all failures together. */
async function closeAll(steps: Array<() => Promise<void>>): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, 'closing the native builder failed');
}
