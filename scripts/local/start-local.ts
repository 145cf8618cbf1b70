// The local-mode platform on one machine: the real components first, then Slipway's processes.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLocalEdge } from '@slipway/cloud';
import {
  ConfigError,
  controllerConfigFromEnv,
  createBackends,
  createController,
  createControllerLogger,
} from '@slipway/controller';
import {
  ensureServices,
  MissingDependencyError,
  ServiceNotReadyError,
  servicesConfigFromEnv,
} from '@slipway/devenv';
import { bootstrapAdmin } from '@slipway/identity';
import { startLocalHost } from './local-host.js';
import { type PushPath, PushPathError, startPushPath } from './push-path.js';

// Credentials a GitHub App registration wrote (see push-path.ts); variables already set win.
const { env: initialEnv } = process;
const envFile = resolve(initialEnv.SLIPWAY_ENV_FILE ?? '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

const services = servicesConfigFromEnv(process.env, process.cwd());
try {
  const states = await ensureServices({
    config: services,
    only: ['redis', 'docker', 'registry', 'base-image'],
  });
  console.log('slipway: real components');
  console.log(`  redis       ${states.redis}  ${services.redisUrl}`);
  console.log(`  docker      ${states.docker}  ${services.dockerSocket}`);
  console.log(`  registry    ${states.registry}  http://${services.registryAddress}`);
  console.log(`  base image  ${states['base-image']}  ${services.baseImage}`);
} catch (error) {
  if (error instanceof MissingDependencyError || error instanceof ServiceNotReadyError) {
    console.error(`slipway: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

// One environment for every process, with the components found above as defaults.
const env: NodeJS.ProcessEnv = {
  SLIPWAY_MODE: 'local',
  REDIS_URL: services.redisUrl,
  SLIPWAY_REGISTRY: services.registryAddress,
  DOCKER_HOST: `unix://${services.dockerSocket}`,
  ...process.env,
};
let config: ReturnType<typeof controllerConfigFromEnv>;
try {
  config = controllerConfigFromEnv(env, process.cwd());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`slipway: ${error.message}`);
  process.exit(2);
}
const root = createControllerLogger({ level: config.logLevel, base: {} });
const logger = root.child({ app: 'controller' });
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
const edgePort = Number(env.SLIPWAY_EDGE_PORT || 8080);
const edge = await startLocalEdge({ port: edgePort, logger: root.child({ app: 'edge' }) }).catch(
  (error: unknown) => {
    console.error(
      `slipway: the edge could not listen on port ${edgePort} (${String(error)}); set SLIPWAY_EDGE_PORT`,
    );
    process.exit(2);
  },
);
const controller = await createController({ config, backends: createBackends(config), logger, edge });
const url = await controller.app.listen({ host: config.apiHost, port: config.apiPort });
controller.start();
const { users, tokens } = controller.services;
const firstAdmin = await bootstrapAdmin({ users, tokens });

let pushPath: PushPath;
try {
  pushPath = await startPushPath({ env, cwd: process.cwd(), envFile, logger: root });
} catch (error) {
  if (!(error instanceof PushPathError)) throw error;
  console.error(`slipway: ${error.message}`);
  await controller.stop();
  process.exit(2);
}

const localTenant = env.SLIPWAY_LOCAL_TENANT || 'local';
const agent = await startLocalHost({
  controller,
  apiUrl: url,
  tenant: localTenant,
  host: env.SLIPWAY_LOCAL_HOST || 'local-1',
  dataDir: config.mode === 'local' ? config.dataDir : resolve('.slipway'),
  dockerSocket: services.dockerSocket,
  logger: root,
});

console.log('slipway: running (Ctrl-C stops)');
console.log(`  controller API  ${url}  (/healthz, /metrics, /v1/openapi.json)`);
for (const line of pushPath.summary) console.log(line);
console.log(`  state           ${config.mode === 'local' ? config.dataDir : `s3://${config.stateBucket}`}`);
console.log(`  agent           host ${agent.hostId} of tenant ${localTenant} (this machine's Docker engine)`);
console.log(
  `  edge            http://<service>.<tenant>.localhost:${edge.port}  (e.g. http://web.${localTenant}.localhost:${edge.port})`,
);
console.log('  not built yet:  dashboard, CLI (later issues)');
if (firstAdmin) {
  console.log('\nslipway: first start — an admin token, shown this once (keep it):');
  console.log(`  ${firstAdmin.token}`);
  console.log(`  try: curl -H "Authorization: Bearer ${firstAdmin.token}" ${url}/v1/me`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    console.log('slipway: stopping (containers keep running; the next start adopts them)');
    await agent.close();
    await pushPath
      .close()
      .catch((error: unknown) => logger.error({ err: error }, 'stopping the push path failed'));
    await controller.stop();
    await edge.close();
    process.exit(0);
  });
}
