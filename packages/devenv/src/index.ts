export { ensureBaseImage } from './base-image.js';
export type { ServiceName, ServicesConfig } from './config.js';
export { allServices, servicesConfigFromEnv } from './config.js';
export { dockerAnswers, dockerClient, ensureDocker } from './docker.js';
export { MissingDependencyError, ServiceNotReadyError } from './errors.js';
export { ensureMoto } from './moto.js';
export { ensureRedis, redisAnswers } from './redis.js';
export { ensureRegistry } from './registry.js';
export { ensureServices, type ServiceState } from './services.js';
