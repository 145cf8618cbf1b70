// `npm run services`: start (or reuse) the real components and say where they answer.
import { servicesConfigFromEnv } from './config.js';
import { MissingDependencyError, ServiceNotReadyError } from './errors.js';
import { ensureServices } from './services.js';

const config = servicesConfigFromEnv(process.env, process.cwd());
try {
  const states = await ensureServices({ config });
  const where: Record<string, string> = {
    redis: config.redisUrl,
    docker: config.dockerSocket,
    registry: `http://${config.registryAddress}`,
    moto: config.awsEndpoint,
    'base-image': config.baseImage,
  };
  for (const [name, state] of Object.entries(states)) {
    console.log(`${name.padEnd(11)} ${String(state).padEnd(8)} ${where[name]}`);
  }
} catch (error) {
  if (error instanceof MissingDependencyError || error instanceof ServiceNotReadyError) {
    console.error(`slipway: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
