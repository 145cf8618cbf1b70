import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().min(1);
const label = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and -');

/** The agent's variables, each as the binary reads it. */
const envSchema = z.object({
  SLIPWAY_API_URL: z.url('a URL such as http://127.0.0.1:4000').default('http://127.0.0.1:4000'),
  SLIPWAY_TENANT: z.string({ error: 'set it to the tenant id this host joins' }).min(1),
  SLIPWAY_JOIN_TOKEN: z.string().startsWith('slj_', 'a join token starts with slj_').optional(),
  SLIPWAY_HOST_ID: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and -, at most 63')
    .optional(),
  SLIPWAY_AGENT_DIR: z.string().min(1).optional(),
  SLIPWAY_HOST_CPU_MILLICORES: positiveInt.default(() => cpus().length * 1000),
  SLIPWAY_HOST_MEMORY_MIB: positiveInt.default(() => Math.floor(totalmem() / 1024 / 1024)),
  SLIPWAY_HOST_ZONE: label.default('local'),
  SLIPWAY_HOST_POOL: label.default('default'),
  DOCKER_HOST: z
    .string()
    .regex(/^(unix|tcp|http):\/\/\S+$/, 'unix:///path/docker.sock or tcp://host:port')
    .optional(),
  SLIPWAY_PUBLISH_ADDRESS: z
    .union([z.ipv4(), z.ipv6()], 'an IP address such as 127.0.0.1')
    .default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface AgentConfig {
  apiUrl: string;
  tenant: string;
  joinToken: string | undefined;
  hostName: string | undefined;
  stateDir: string;
  capacity: { cpuMillicores: number; memoryMiB: number };
  labels: { zone: string; pool: string };
  /** How to reach the engine: a socket path, or a host and port. */
  docker: { socketPath: string } | { protocol: 'http'; host: string; port: number };
  publishAddress: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export class AgentConfigError extends Error {
  override readonly name = 'AgentConfigError';
}

/**
 * Reads and checks the agent's variables once, at start-up; an error names each variable that is
 * wrong and what it should be.
 *
 * @example agentConfigFromEnv({ SLIPWAY_TENANT: 'acme', SLIPWAY_JOIN_TOKEN: 'slj_…' }, process.cwd())
 */
export function agentConfigFromEnv(env: NodeJS.ProcessEnv, cwd: string): AgentConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0] ?? '?')}: ${issue.message}`);
    throw new AgentConfigError(`invalid agent configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    apiUrl: e.SLIPWAY_API_URL,
    tenant: e.SLIPWAY_TENANT,
    joinToken: e.SLIPWAY_JOIN_TOKEN,
    hostName: e.SLIPWAY_HOST_ID,
    stateDir: e.SLIPWAY_AGENT_DIR ?? join(cwd, '.slipway', 'agent', e.SLIPWAY_HOST_ID ?? e.SLIPWAY_TENANT),
    capacity: { cpuMillicores: e.SLIPWAY_HOST_CPU_MILLICORES, memoryMiB: e.SLIPWAY_HOST_MEMORY_MIB },
    labels: { zone: e.SLIPWAY_HOST_ZONE, pool: e.SLIPWAY_HOST_POOL },
    docker: dockerConnection(e.DOCKER_HOST),
    publishAddress: e.SLIPWAY_PUBLISH_ADDRESS,
    logLevel: e.LOG_LEVEL,
  };
}

function dockerConnection(dockerHost: string | undefined): AgentConfig['docker'] {
  if (dockerHost === undefined) return { socketPath: '/var/run/docker.sock' };
  const url = new URL(dockerHost);
  if (url.protocol === 'unix:') return { socketPath: url.pathname };
  return { protocol: 'http', host: url.hostname, port: Number(url.port || 2375) };
}
