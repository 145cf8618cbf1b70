// The local-mode platform on one machine: the real components first, then Slipway's processes.
import {
  ensureServices,
  MissingDependencyError,
  ServiceNotReadyError,
  servicesConfigFromEnv,
} from '@slipway/devenv';

const config = servicesConfigFromEnv(process.env, process.cwd());
try {
  const states = await ensureServices({ config, only: ['redis', 'docker', 'registry', 'base-image'] });
  console.log('slipway: real components');
  console.log(`  redis      ${states.redis}  ${config.redisUrl}`);
  console.log(`  docker     ${states.docker}  ${config.dockerSocket}`);
  console.log(`  registry   ${states.registry}  http://${config.registryAddress}`);
  console.log(`  base image ${states['base-image']}  ${config.baseImage}`);
} catch (error) {
  if (error instanceof MissingDependencyError || error instanceof ServiceNotReadyError) {
    console.error(`slipway: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
console.log('slipway: the controller, GitHub App, builder, agent and edge are not built yet (issues 3–7).');
