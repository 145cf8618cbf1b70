import { delimiter, join } from 'node:path';

/** Where each real component answers, and where the ones we start keep their data and logs. */
export interface ServicesConfig {
  redisUrl: string;
  /** host:port of the plain-HTTP image registry (local mode's ECR). */
  registryAddress: string;
  /** The AWS API endpoint for moto_server (tests, local AWS mode). */
  awsEndpoint: string;
  dockerSocket: string;
  /** The locally made base image that examples and tests build FROM (no pulls here). */
  baseImage: string;
  /** Folder for the data and logs of services this module starts. */
  dataDir: string;
  /** Where to look for the daemons' executables (PATH plus the sbin folders, where Debian puts dockerd). */
  searchPath: string;
}

export type ServiceName = 'redis' | 'docker' | 'registry' | 'moto' | 'base-image';

export const allServices: readonly ServiceName[] = ['redis', 'docker', 'registry', 'moto', 'base-image'];

/** Reads the configuration once, at start-up, from the environment (DESIGN.md §6 defaults). */
export function servicesConfigFromEnv(env: NodeJS.ProcessEnv, cwd: string): ServicesConfig {
  const dataDir = env.SLIPWAY_DATA_DIR ?? join(cwd, '.slipway');
  return {
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    registryAddress: env.SLIPWAY_REGISTRY ?? '127.0.0.1:5000',
    awsEndpoint: env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001',
    dockerSocket: env.DOCKER_SOCKET ?? '/var/run/docker.sock',
    baseImage: env.SLIPWAY_BASE_IMAGE ?? 'slipway/busybox:local',
    dataDir: join(dataDir, 'services'),
    searchPath: [env.PATH ?? '', '/usr/local/sbin', '/usr/sbin', '/sbin'].join(delimiter),
  };
}

/** The host and port of a URL or host:port, for starting a local server on it. */
export function hostAndPort(address: string, defaultPort: number): { host: string; port: number } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname, port: url.port ? Number(url.port) : defaultPort };
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}
