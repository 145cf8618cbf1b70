// The local-mode platform on one machine: the real components first, then Slipway's processes.

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

let config: ReturnType<typeof controllerConfigFromEnv>;
try {
  config = controllerConfigFromEnv({ SLIPWAY_MODE: 'local', ...process.env }, process.cwd());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`slipway: ${error.message}`);
  process.exit(2);
}
const logger = createControllerLogger({ level: config.logLevel, base: { app: 'controller' } });
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
const controller = await createController({ config, backends: createBackends(config), logger });
const url = await controller.app.listen({ host: config.apiHost, port: config.apiPort });
controller.start();
const { users, tokens } = controller.services;
const firstAdmin = await bootstrapAdmin({ users, tokens });

console.log('slipway: running (Ctrl-C stops)');
console.log(`  controller API  ${url}  (/healthz, /metrics, /v1/leader)`);
console.log(`  state           ${config.mode === 'local' ? config.dataDir : `s3://${config.stateBucket}`}`);
console.log('  not built yet:  GitHub App, builder, agent, edge, dashboard (issues 5–7)');
if (firstAdmin) {
  console.log('\nslipway: first start — an admin token, shown this once (keep it):');
  console.log(`  ${firstAdmin.token}`);
  console.log(`  try: curl -H "Authorization: Bearer ${firstAdmin.token}" ${url}/v1/me`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    console.log('slipway: stopping');
    await controller.stop();
    process.exit(0);
  });
}
