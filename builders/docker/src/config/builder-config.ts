import { getPrivateKey } from '@probot/get-private-key';
import { type StateStoreConfig, stateStoreConfigFromEnv } from '@slipway/state';
import { z } from 'zod';
import { type DockerConnection, dockerConnectionFromHost } from './docker-connection.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Where images go: the local registry (local mode) or ECR (AWS mode). */
export type RegistryConfig =
  | { kind: 'local' /** host:port of the registry, e.g. `127.0.0.1:5000`. */; address: string }
  | {
      kind: 'ecr';
      region: string;
      /** AWS_ENDPOINT_URL: moto in tests; unset against AWS. */
      endpoint?: string;
      /** SLIPWAY_ECR_PUSH_REGISTRY: push to this host instead of ECR (tests against moto only). */
      pushRegistry?: string;
    };

/** Everything the native builder needs, read once at start-up by {@link builderConfigFromEnv}. */
export interface BuilderConfig {
  mode: 'local' | 'aws';
  github: {
    appId: string;
    /** PEM. Never logged. */
    privateKey: string;
    /** `${GHE_PROTOCOL}://${GHE_HOST}/api/v3` for GitHub Enterprise (and the fake); undefined for github.com. */
    baseUrl: string | undefined;
  };
  redisUrl: string;
  /** Redis key prefix of the queues, log streams and markers (SLIPWAY_REDIS_PREFIX). */
  keyPrefix: string;
  state: StateStoreConfig;
  registry: RegistryConfig;
  docker: DockerConnection;
  /** Builds this process runs at once (SLIPWAY_BUILD_CONCURRENCY). */
  concurrency: number;
  /** BullMQ job lock and stalled-job check; short values let a test see a killed builder's job taken back quickly. */
  worker: { lockDurationMs: number; stalledIntervalMs: number };
  logLevel: LogLevel;
}

const whole = (what: string, min: number) =>
  z.coerce
    .number({ error: `${what}: a whole number` })
    .int(`${what}: a whole number`)
    .min(min, `${what}: at least ${min}`);

const envSchema = z.object({
  APP_ID: z
    .string({ error: 'the numeric App ID from the GitHub App settings page' })
    .regex(/^\d+$/, 'the numeric App ID from the GitHub App settings page'),
  GHE_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(?::\d{1,5})?$/, 'a host[:port] without a scheme, e.g. github.example.com')
    .optional(),
  GHE_PROTOCOL: z.enum(['http', 'https']).default('https'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  SLIPWAY_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, '-' and '_'")
    .default('slipway'),
  SLIPWAY_REGISTRY: z
    .string()
    .regex(
      /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?$/,
      'a registry host:port without a scheme, e.g. 127.0.0.1:5000',
    )
    .default('127.0.0.1:5000'),
  SLIPWAY_ECR_PUSH_REGISTRY: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?$/, 'a registry host:port without a scheme')
    .optional(),
  AWS_ENDPOINT_URL: z.url('an http(s) URL, e.g. http://127.0.0.1:5001').optional(),
  DOCKER_HOST: z.string().default('unix:///var/run/docker.sock'),
  SLIPWAY_BUILD_CONCURRENCY: whole('builds at once', 1).max(64, 'at most 64').default(4),
  SLIPWAY_BUILD_LOCK_MS: whole('milliseconds', 1000).default(30_000),
  SLIPWAY_BUILD_STALLED_INTERVAL_MS: whole('milliseconds', 500).default(30_000),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

/** The configuration is incomplete or wrong; the message names every variable to fix. */
export class BuilderConfigError extends Error {
  override readonly name = 'BuilderConfigError';
  readonly code = 'INVALID_BUILDER_CONFIG';
}

/** Empty variables count as unset, as in a `.env` file with `NAME=`. */
function setOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

function readPrivateKey(env: Record<string, string>, cwd: string, problems: string[]): string | undefined {
  try {
    // probot's rules: PRIVATE_KEY (PEM, base64 or with escaped newlines), else PRIVATE_KEY_PATH, else one *.pem in cwd.
    const key = getPrivateKey({ env, cwd });
    if (key) return key;
    problems.push('PRIVATE_KEY or PRIVATE_KEY_PATH: the GitHub App private key (PEM) is not set');
  } catch (error) {
    // getPrivateKey's messages name the variable and the path, never the key itself.
    const reason =
      error instanceof Error ? error.message.replace(/^\[@probot\/get-private-key\] /, '') : String(error);
    problems.push(`PRIVATE_KEY or PRIVATE_KEY_PATH: ${reason}`);
  }
  return undefined;
}

function readState(
  env: Record<string, string>,
  cwd: string,
  problems: string[],
): StateStoreConfig | undefined {
  try {
    return stateStoreConfigFromEnv(env, cwd);
  } catch (error) {
    // Its message is a heading line and one indented line per variable; each variable is a problem of its own.
    const lines = (error instanceof Error ? error.message : String(error))
      .split('\n')
      .map((line) => line.trim());
    problems.push(...(lines.length > 1 && lines[0]?.endsWith(':') ? lines.slice(1) : lines).filter(Boolean));
    return undefined;
  }
}

/**
 * Reads the builder's variables once (main calls it; adapters never read the environment):
 * probot's APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, GHE_HOST, GHE_PROTOCOL; REDIS_URL,
 * SLIPWAY_REDIS_PREFIX; SLIPWAY_MODE and the state store's variables (`stateStoreConfigFromEnv`);
 * SLIPWAY_REGISTRY (local mode, default 127.0.0.1:5000); AWS_REGION, AWS_ENDPOINT_URL and
 * SLIPWAY_ECR_PUSH_REGISTRY (AWS mode); DOCKER_HOST (default the local socket);
 * SLIPWAY_BUILD_CONCURRENCY, SLIPWAY_BUILD_LOCK_MS, SLIPWAY_BUILD_STALLED_INTERVAL_MS; LOG_LEVEL.
 *
 * @throws BuilderConfigError naming every missing or invalid variable at once.
 * @example const config = builderConfigFromEnv(process.env, process.cwd());
 */
export function builderConfigFromEnv(env: NodeJS.ProcessEnv, cwd: string): BuilderConfig {
  const vars = setOnly(env);
  const parsed = envSchema.safeParse(vars);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const privateKey = readPrivateKey(vars, cwd, problems);
  const state = readState(vars, cwd, problems);
  const docker = dockerConnectionFromHost(vars.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  if (typeof docker === 'string') problems.push(`DOCKER_HOST: ${docker}`);
  if (state?.mode === 'local' && vars.SLIPWAY_ECR_PUSH_REGISTRY)
    problems.push(
      'SLIPWAY_ECR_PUSH_REGISTRY: only used with SLIPWAY_MODE=aws; unset it, or set SLIPWAY_REGISTRY',
    );
  if (!parsed.success || !privateKey || !state || typeof docker === 'string' || problems.length > 0) {
    throw new BuilderConfigError(
      `The native builder is not configured:\n  ${problems.join('\n  ')}\nSet these variables (see builders/docker/README.md).`,
    );
  }
  const values = parsed.data;
  const registry: RegistryConfig =
    state.mode === 'aws'
      ? {
          kind: 'ecr',
          region: state.region,
          ...(state.endpoint ? { endpoint: state.endpoint } : {}),
          ...(values.SLIPWAY_ECR_PUSH_REGISTRY ? { pushRegistry: values.SLIPWAY_ECR_PUSH_REGISTRY } : {}),
        }
      : { kind: 'local', address: values.SLIPWAY_REGISTRY };
  return {
    mode: state.mode,
    github: {
      appId: values.APP_ID,
      privateKey,
      baseUrl: values.GHE_HOST ? `${values.GHE_PROTOCOL}://${values.GHE_HOST}/api/v3` : undefined,
    },
    redisUrl: values.REDIS_URL,
    keyPrefix: values.SLIPWAY_REDIS_PREFIX,
    state,
    registry,
    docker,
    concurrency: values.SLIPWAY_BUILD_CONCURRENCY,
    worker: {
      lockDurationMs: values.SLIPWAY_BUILD_LOCK_MS,
      stalledIntervalMs: values.SLIPWAY_BUILD_STALLED_INTERVAL_MS,
    },
    logLevel: values.LOG_LEVEL,
  };
}
