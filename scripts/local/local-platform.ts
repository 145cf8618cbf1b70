// The local-mode platform on one machine: the real components first, then Slipway's processes.
// `npm start` (start-local.ts) and `npm run demo` (demo.ts) both start it with this.

import { resolve } from 'node:path';
import { type LocalEdge, startLocalEdge } from '@slipway/cloud';
import {
  awsEdgeFromConfig,
  type Backends,
  ConfigError,
  type Controller,
  type ControllerConfig,
  controllerConfigFromEnv,
  createBackends,
  createController,
  createControllerLogger,
} from '@slipway/controller';
import {
  ensureServices,
  MissingDependencyError,
  ServiceNotReadyError,
  type ServicesConfig,
  servicesConfigFromEnv,
} from '@slipway/devenv';
import { bootstrapAdmin } from '@slipway/identity';
import { DynamoLeaseBackend } from '@slipway/lease';
import { S3StateStore } from '@slipway/state';
import type { Logger } from 'pino';
import { startLocalHost } from './local-host.js';
import { PushPathError, startPushPath } from './push-path.js';

/** The platform could not start as configured; `message` says what to do, `exitCode` is the process's. */
export class LocalPlatformError extends Error {
  override readonly name = 'LocalPlatformError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

export interface LocalPlatformOptions {
  /** Every variable the processes read (start-local: the environment after the env file). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where a GitHub App registration writes its credentials. */
  envFile: string;
}

export interface LocalPlatform {
  readonly services: ServicesConfig;
  /** `env` with the components found as defaults: what every process was started with. */
  readonly env: NodeJS.ProcessEnv;
  readonly config: ControllerConfig;
  readonly logger: Logger;
  readonly controller: Controller;
  readonly apiUrl: string;
  readonly edge: LocalEdge;
  /** The tenant whose host this machine is (SLIPWAY_LOCAL_TENANT, default `local`). */
  readonly tenant: string;
  readonly hostId: string;
  /** The first admin's token when this start made one (a fresh state folder). */
  readonly firstAdminToken: string | undefined;
  /** Lines for the start-up summary: API, push path, state, agent, edge. */
  readonly summary: string[];
  /** Stops the agent (its containers keep running), the push path, the controller and the edge. */
  close(): Promise<void>;
}

/**
 * Ensures Redis, the Docker engine, the registry and the base image answer (starting what it
 * may), prints them, then starts the edge, a controller, the push path (GitHub App and builder,
 * or the registration page) and an agent on this machine's engine.
 *
 * @throws LocalPlatformError when a component is missing or the configuration is invalid.
 */
export async function startLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const { cwd, envFile } = options;
  const services = servicesConfigFromEnv(options.env, cwd);
  // AWS mode against moto (AWS_ENDPOINT_URL): moto is one of the components to start.
  const againstMoto = options.env.SLIPWAY_MODE === 'aws' && Boolean(options.env.AWS_ENDPOINT_URL);
  try {
    const states = await ensureServices({
      config: services,
      only: ['redis', 'docker', 'registry', 'base-image', ...(againstMoto ? (['moto'] as const) : [])],
    });
    console.log('slipway: real components');
    console.log(`  redis       ${states.redis}  ${services.redisUrl}`);
    console.log(`  docker      ${states.docker}  ${services.dockerSocket}`);
    console.log(`  registry    ${states.registry}  http://${services.registryAddress}`);
    console.log(`  base image  ${states['base-image']}  ${services.baseImage}`);
    if (againstMoto) console.log(`  moto        ${states.moto}  ${services.awsEndpoint}`);
  } catch (error) {
    if (error instanceof MissingDependencyError || error instanceof ServiceNotReadyError)
      throw new LocalPlatformError(error.message, 1);
    throw error;
  }

  // One environment for every process, with the components found above as defaults.
  const env: NodeJS.ProcessEnv = {
    SLIPWAY_MODE: 'local',
    REDIS_URL: services.redisUrl,
    SLIPWAY_REGISTRY: services.registryAddress,
    DOCKER_HOST: `unix://${services.dockerSocket}`,
    ...options.env,
  };
  let config: ControllerConfig;
  try {
    config = controllerConfigFromEnv(env, cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new LocalPlatformError(error.message, 2);
  }
  const root = createControllerLogger({ level: config.logLevel, base: {} });
  const logger = root.child({ app: 'controller' });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  const edgePort = Number(env.SLIPWAY_EDGE_PORT || 8080);
  const edge = await startLocalEdge({ port: edgePort, logger: root.child({ app: 'edge' }) }).catch(
    (error: unknown) => {
      throw new LocalPlatformError(
        `the edge could not listen on port ${edgePort} (${String(error)}); set SLIPWAY_EDGE_PORT`,
        2,
      );
    },
  );
  const backends = createBackends(config);
  if (config.mode === 'aws' && config.endpoint) await prepareDevAccount(backends);
  const awsEdge = awsEdgeFromConfig(config, logger);
  const controller = await createController({
    config,
    backends,
    logger,
    edge,
    ...(awsEdge ? { awsEdge } : {}),
  });
  const apiUrl = await controller.app.listen({ host: config.apiHost, port: config.apiPort });
  controller.start();
  const { users, tokens } = controller.services;
  const firstAdmin = await bootstrapAdmin({ users, tokens });

  const pushPath = await startPushPath({ env, cwd, envFile, logger: root }).catch(async (error: unknown) => {
    if (!(error instanceof PushPathError)) throw error;
    await controller.stop();
    await edge.close();
    throw new LocalPlatformError(error.message, 2);
  });

  const tenant = env.SLIPWAY_LOCAL_TENANT || 'local';
  const agent = await startLocalHost({
    controller,
    apiUrl,
    tenant,
    host: env.SLIPWAY_LOCAL_HOST || 'local-1',
    dataDir: config.mode === 'local' ? config.dataDir : resolve('.slipway'),
    dockerSocket: services.dockerSocket,
    logger: root,
  });

  const summary = [
    `  controller API  ${apiUrl}  (/healthz, /metrics, /v1/openapi.json)`,
    ...pushPath.summary,
    `  state           ${config.mode === 'local' ? config.dataDir : `s3://${config.stateBucket}`}`,
    `  agent           host ${agent.hostId} of tenant ${tenant} (this machine's Docker engine)`,
    `  edge            http://<service>.<tenant>.localhost:${edge.port}  (e.g. http://web.${tenant}.localhost:${edge.port})`,
  ];
  let closing: Promise<void> | undefined;
  return {
    services,
    env,
    config,
    logger,
    controller,
    apiUrl,
    edge,
    tenant,
    hostId: agent.hostId,
    firstAdminToken: firstAdmin?.token,
    summary,
    close() {
      closing ??= (async () => {
        await agent.close();
        await pushPath
          .close()
          .catch((error: unknown) => logger.error({ err: error }, 'stopping the push path failed'));
        await controller.stop();
        await awsEdge?.edge.close();
        await edge.close();
      })();
      return closing;
    },
  };
}

/** AWS mode against moto (development): the state bucket and the lease table are made if missing. */
async function prepareDevAccount(backends: Backends): Promise<void> {
  if (backends.store instanceof S3StateStore) await backends.store.ensureBucket();
  if (backends.lease instanceof DynamoLeaseBackend) await backends.lease.ensureTable();
}
