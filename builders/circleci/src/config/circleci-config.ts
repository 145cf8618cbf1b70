import { join } from 'node:path';
import { type BuilderConfig, builderConfigFromEnv } from '@slipway/builder-docker';
import { z } from 'zod';

/** Everything the CircleCI builder needs, read once at start-up by {@link circleciConfigFromEnv}. */
export interface CircleciBuilderConfig {
  /** GitHub App, Redis, state store, registry and log level: the native builder's own variables. */
  shared: Pick<
    BuilderConfig,
    'mode' | 'github' | 'redisUrl' | 'keyPrefix' | 'state' | 'registry' | 'logLevel'
  >;
  /** CIRCLECI_URL: the API origin (the fake in tests). */
  apiUrl: string;
  /** CIRCLECI_APP_URL: the web app, for workflow links. */
  appUrl: string;
  webhook: { host: string; port: number };
  pollIntervalMs: number;
  /** SLIPWAY_CIRCLECI_TIMEOUT_MS: how long a pipeline is followed before the build fails. */
  timeoutMs: number;
  /** SLIPWAY_CIRCLECI_NO_WORKFLOW_MS: how long a pipeline may have no workflow before it "ran nothing". */
  noWorkflowMs: number;
  concurrency: number;
  /**
   * SLIPWAY_SECRETS_KEY (base64, 32 bytes): the controller's key for secrets, so the tenants'
   * CIRCLECI_TOKEN can be read. Unset in local mode: `<data dir>/secrets.key`, as the controller keeps it.
   */
  secretsKey: string | undefined;
  /** The local data folder (SLIPWAY_DATA_DIR), where local mode's secrets key lives. */
  dataDir: string;
}

/** Six hours: past CircleCI's own 5-hour job limit, so only a pipeline waiting on something (an approval) reaches it. */
export const DEFAULT_TIMEOUT_MS = 6 * 60 * 60 * 1000;
/** Five minutes: CircleCI makes a pipeline's workflows seconds after reading its config. */
export const DEFAULT_NO_WORKFLOW_MS = 5 * 60 * 1000;

const whole = (what: string, min: number) =>
  z.coerce
    .number({ error: `${what}: a whole number` })
    .int(`${what}: a whole number`)
    .min(min, `${what}: at least ${min}`);

const envSchema = z.object({
  CIRCLECI_URL: z.url('an http(s) URL').default('https://circleci.com'),
  CIRCLECI_APP_URL: z.url('an http(s) URL').default('https://app.circleci.com'),
  SLIPWAY_CIRCLECI_WEBHOOK_HOST: z.string().min(1).default('127.0.0.1'),
  SLIPWAY_CIRCLECI_WEBHOOK_PORT: whole('a TCP port', 0).max(65_535, 'a TCP port').default(4200),
  SLIPWAY_CIRCLECI_POLL_MS: whole('milliseconds', 100).default(30_000),
  SLIPWAY_CIRCLECI_TIMEOUT_MS: whole('milliseconds', 1000).default(DEFAULT_TIMEOUT_MS),
  SLIPWAY_CIRCLECI_NO_WORKFLOW_MS: whole('milliseconds', 1000).default(DEFAULT_NO_WORKFLOW_MS),
  SLIPWAY_CIRCLECI_CONCURRENCY: whole('hand-offs at once', 1).max(500, 'at most 500').default(20),
  SLIPWAY_SECRETS_KEY: z.string().min(1).optional(),
  SLIPWAY_DATA_DIR: z.string().min(1).optional(),
});

/** The configuration is incomplete or wrong; the message names every variable to fix. */
export class CircleciConfigError extends Error {
  override readonly name = 'CircleciConfigError';
  readonly code = 'INVALID_CIRCLECI_CONFIG';
}

/**
 * Reads the CircleCI builder's variables once: the native builder's (`builderConfigFromEnv`:
 * APP_ID, PRIVATE_KEY…, REDIS_URL, SLIPWAY_REDIS_PREFIX, SLIPWAY_MODE and the state store's,
 * SLIPWAY_REGISTRY / ECR, LOG_LEVEL) plus CIRCLECI_URL, CIRCLECI_APP_URL,
 * SLIPWAY_CIRCLECI_WEBHOOK_HOST/PORT, SLIPWAY_CIRCLECI_POLL_MS, SLIPWAY_CIRCLECI_TIMEOUT_MS,
 * SLIPWAY_CIRCLECI_NO_WORKFLOW_MS, SLIPWAY_CIRCLECI_CONCURRENCY,
 * SLIPWAY_SECRETS_KEY and SLIPWAY_DATA_DIR.
 *
 * @throws CircleciConfigError (or the native builder's BuilderConfigError) naming every problem.
 */
export function circleciConfigFromEnv(env: NodeJS.ProcessEnv, cwd: string): CircleciBuilderConfig {
  const shared = builderConfigFromEnv(env, cwd);
  const set = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(set);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (parsed.success && shared.mode === 'aws' && !parsed.data.SLIPWAY_SECRETS_KEY)
    problems.push(
      "SLIPWAY_SECRETS_KEY: required in AWS mode (the controller's key), to read the tenants' CIRCLECI_TOKEN",
    );
  if (!parsed.success || problems.length > 0)
    throw new CircleciConfigError(
      `The CircleCI builder is not configured:\n  ${problems.join('\n  ')}\nSet these variables (see builders/circleci/README.md).`,
    );
  const values = parsed.data;
  return {
    shared,
    apiUrl: values.CIRCLECI_URL,
    appUrl: values.CIRCLECI_APP_URL,
    webhook: { host: values.SLIPWAY_CIRCLECI_WEBHOOK_HOST, port: values.SLIPWAY_CIRCLECI_WEBHOOK_PORT },
    pollIntervalMs: values.SLIPWAY_CIRCLECI_POLL_MS,
    timeoutMs: values.SLIPWAY_CIRCLECI_TIMEOUT_MS,
    noWorkflowMs: values.SLIPWAY_CIRCLECI_NO_WORKFLOW_MS,
    concurrency: values.SLIPWAY_CIRCLECI_CONCURRENCY,
    secretsKey: values.SLIPWAY_SECRETS_KEY,
    dataDir: values.SLIPWAY_DATA_DIR ?? join(cwd, '.slipway'),
  };
}
