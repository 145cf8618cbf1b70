import { getPrivateKey } from '@probot/get-private-key';
import { StateConfigError, type StateStoreConfig, stateStoreConfigFromEnv } from '@slipway/state';
import { z } from 'zod';

/** Everything the GitHub App needs, read once at start-up (see {@link githubAppConfigFromEnv}). */
export interface GitHubAppConfig {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  /** GitHub Enterprise (or the fake): `${GHE_PROTOCOL}://${GHE_HOST}/api/v3`; undefined for github.com. */
  baseUrl: string | undefined;
  port: number;
  /** Address to listen on (probot's HOST); default all interfaces. */
  host: string;
  redisUrl: string;
  /** Redis key prefix of every queue and key the app writes. */
  keyPrefix: string;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Where installation records and tenant bindings live: the controller's state store. */
  state: StateStoreConfig;
}

const envSchema = z.object({
  APP_ID: z.string().regex(/^\d+$/, 'the numeric App ID from the GitHub App settings page'),
  WEBHOOK_SECRET: z.string().min(1, 'the webhook secret set in the GitHub App settings'),
  GHE_HOST: z.string().min(1).optional(),
  GHE_PROTOCOL: z.enum(['http', 'https']).default('https'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  SLIPWAY_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('slipway'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

/** The configuration is incomplete or wrong; the message names each variable to fix. */
export class GitHubAppConfigError extends Error {
  override readonly name = 'GitHubAppConfigError';
  readonly code = 'INVALID_GITHUB_APP_CONFIG';
}

/**
 * Reads probot's own variables (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET,
 * GHE_HOST, GHE_PROTOCOL, PORT, HOST) plus REDIS_URL, SLIPWAY_REDIS_PREFIX, LOG_LEVEL and the
 * state store's variables (SLIPWAY_MODE, SLIPWAY_DATA_DIR or AWS_REGION, AWS_ENDPOINT_URL,
 * SLIPWAY_STATE_BUCKET, SLIPWAY_STATE_PREFIX — see `stateStoreConfigFromEnv`). Pure: it reads
 * `env` and, for PRIVATE_KEY_PATH or a *.pem, files under `cwd`. Called once, at start-up.
 *
 * @throws GitHubAppConfigError listing every missing or invalid variable.
 */
export function githubAppConfigFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): GitHubAppConfig {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  // Same rules as probot: PRIVATE_KEY (PEM, base64 or with escaped newlines), else PRIVATE_KEY_PATH, else a *.pem in cwd.
  const privateKey = getPrivateKey({ env, cwd });
  if (!privateKey) problems.push('PRIVATE_KEY or PRIVATE_KEY_PATH: the GitHub App private key (PEM)');
  let state: StateStoreConfig | undefined;
  try {
    state = stateStoreConfigFromEnv(env, cwd);
  } catch (error) {
    if (!(error instanceof StateConfigError)) throw error;
    problems.push(error.message);
  }
  if (!parsed.success || !privateKey || !state) {
    throw new GitHubAppConfigError(
      `The GitHub App is not configured: ${problems.join('; ')}. Set these variables (see apps/github-app/README.md).`,
    );
  }
  const vars = parsed.data;
  return {
    appId: vars.APP_ID,
    privateKey,
    webhookSecret: vars.WEBHOOK_SECRET,
    baseUrl: vars.GHE_HOST ? `${vars.GHE_PROTOCOL}://${vars.GHE_HOST}/api/v3` : undefined,
    port: vars.PORT,
    host: vars.HOST,
    redisUrl: vars.REDIS_URL,
    keyPrefix: vars.SLIPWAY_REDIS_PREFIX,
    logLevel: vars.LOG_LEVEL,
    state,
  };
}

/**
 * True when no GitHub App is configured at all (no APP_ID): the time for probot's app-manifest
 * registration. With APP_ID set, a missing key or secret is a configuration error instead.
 */
export function needsAppRegistration(env: NodeJS.ProcessEnv): boolean {
  return !env.APP_ID;
}
