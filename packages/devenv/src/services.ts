import { ensureBaseImage } from './base-image.js';
import type { ServiceName, ServicesConfig } from './config.js';
import { allServices } from './config.js';
import { ensureDocker } from './docker.js';
import { ensureMoto } from './moto.js';
import { ensureRedis } from './redis.js';
import { ensureRegistry } from './registry.js';

export type ServiceState = 'reused' | 'started';

const ensure: Record<ServiceName, (config: ServicesConfig) => Promise<ServiceState>> = {
  redis: ensureRedis,
  docker: ensureDocker,
  registry: ensureRegistry,
  moto: ensureMoto,
  'base-image': ensureBaseImage,
};

/**
 * Makes every named component answer: reuses what already does, starts what does not, waits
 * until ready. Idempotent, so jest's global setup and `npm start` both call it freely.
 *
 * @example
 *   const states = await ensureServices({ config: servicesConfigFromEnv(process.env, process.cwd()) });
 *   // { redis: 'reused', docker: 'started', … }
 */
export async function ensureServices(options: {
  config: ServicesConfig;
  only?: readonly ServiceName[];
}): Promise<Partial<Record<ServiceName, ServiceState>>> {
  const wanted = new Set(options.only ?? allServices);
  const states: Partial<Record<ServiceName, ServiceState>> = {};
  const start = async (name: ServiceName) => {
    if (wanted.has(name)) states[name] = await ensure[name](options.config);
  };
  // The base image needs the engine; everything else is independent.
  await Promise.all([
    start('redis'),
    start('registry'),
    start('moto'),
    start('docker').then(() => start('base-image')),
  ]);
  return states;
}
