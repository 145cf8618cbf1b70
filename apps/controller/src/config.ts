import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { awsEdgeFields, awsEdgeVariables, checkAwsEdgeFields } from './aws-edge-config.js';
import { DEFAULT_SERVICE_URL_TEMPLATE } from './deploy-feedback/rollout-feedback.js';

const port = z.coerce.number().int().min(0).max(65535);

const common = {
  apiHost: z.string().default('127.0.0.1'),
  apiPort: port.default(4000),
  /**
   * When set, this replica also runs a local edge on this port, kept in step with healthy
   * allocations whether it leads or not (`npm start` runs its own; AWS mode's edge is the ALB).
   */
  edgePort: port.optional(),
  edgeHost: z.string().default('127.0.0.1'),
  /** Unique per process incarnation: a restarted controller must never reuse its old lease owner id. */
  controllerId: z
    .string()
    .min(1)
    .default(() => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`),
  leaseName: z.string().min(1).default('controller'),
  leaseTtlMs: z.coerce.number().int().min(100).max(5000).default(4000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Live build logs (`follow`), shared rate-limit counters (and, later, pub/sub between replicas).
   * Without it each replica counts alone and build logs come from the state store's archive only.
   */
  redisUrl: z.string().startsWith('redis://', 'expected a redis:// URL').optional(),
  /**
   * Namespace of every Redis key, shared with the GitHub App and the builders (keys are
   * `<prefix>:…`, so one value namespaces every process; tests give each run its own).
   */
  redisPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (keys are `<prefix>:…`; no trailing colon)')
    .default('slipway'),
  rateLimitPerMinute: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Shared with the dashboard, which exchanges OAuth sign-ins for API sessions with it. */
  dashboardSecret: z.string().min(32, 'at least 32 characters (openssl rand -hex 32)').optional(),
  /** GitHub's REST API; for GitHub Enterprise Server `https://<host>/api/v3`. */
  githubApiUrl: z.url().default('https://api.github.com'),
  /** 32 bytes, base64 or hex (`openssl rand -base64 32`): encrypts secret env vars at rest. */
  secretsKey: z.string().optional(),
  /** How long a leaving allocation gets no new requests, its in-flight ones finishing, before it stops. */
  drainMs: z.coerce.number().int().min(0).max(600_000).default(5000),
  /** How long a rollout waits for new replicas to pass their health check before it rolls back. */
  rolloutDeadlineMs: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
  /**
   * Where a service answers, shown on its GitHub deploy check run: `{service}` (`<service>` in
   * production, `<service>-<environment>` elsewhere), `{tenant}` and `{environment}` are filled in.
   */
  serviceUrlTemplate: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'an http(s) URL without spaces, e.g. https://{service}.{tenant}.example.com')
    .refine((template) => template.includes('{service}'), 'must contain {service}')
    .default(DEFAULT_SERVICE_URL_TEMPLATE),
};

const localConfig = z.object({
  mode: z.literal('local'),
  ...common,
  dataDir: z.string().min(1),
  /** The local registry images are pushed to and pulled from (host:port, no scheme). */
  registry: z
    .string()
    .regex(
      /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?$/,
      'a registry host:port without a scheme, e.g. 127.0.0.1:5000',
    )
    .default('127.0.0.1:5000'),
});

const awsConfig = z
  .object({
    mode: z.literal('aws'),
    ...common,
    region: z.string({ error: 'set AWS_REGION, e.g. us-east-1' }).min(1, 'set AWS_REGION, e.g. us-east-1'),
    /** AWS_ENDPOINT_URL: moto_server in tests and local AWS mode; unset against real AWS. */
    endpoint: z.url().optional(),
    stateBucket: z
      .string({ error: 'set SLIPWAY_STATE_BUCKET to the S3 bucket that holds the state' })
      .min(3, 'set SLIPWAY_STATE_BUCKET to the S3 bucket that holds the state'),
    statePrefix: z.string().default(''),
    leaseTable: z
      .string({ error: 'set SLIPWAY_LEASE_TABLE to the DynamoDB table that holds the lease' })
      .min(3, 'set SLIPWAY_LEASE_TABLE to the DynamoDB table that holds the lease'),
    secretsKey: z.string({ error: 'set SLIPWAY_SECRETS_KEY to 32 random bytes (openssl rand -base64 32)' }),
    /** Images live on this registry instead of ECR (tests against moto only, as for the builder). */
    ecrPushRegistry: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?$/, 'a registry host:port without a scheme')
      .optional(),
    ...awsEdgeFields,
  })
  .superRefine(checkAwsEdgeFields);

export const controllerConfigSchema = z.discriminatedUnion('mode', [localConfig, awsConfig]);
export type ControllerConfig = z.infer<typeof controllerConfigSchema>;

/** Variable name of each config field, so a validation error names what to set. */
const variables: Record<string, string> = {
  mode: 'SLIPWAY_MODE',
  apiHost: 'SLIPWAY_API_HOST',
  apiPort: 'SLIPWAY_API_PORT',
  edgePort: 'SLIPWAY_EDGE_PORT',
  edgeHost: 'SLIPWAY_EDGE_HOST',
  controllerId: 'SLIPWAY_CONTROLLER_ID',
  leaseName: 'SLIPWAY_LEASE_NAME',
  leaseTtlMs: 'SLIPWAY_LEASE_TTL_MS',
  logLevel: 'LOG_LEVEL',
  redisUrl: 'REDIS_URL',
  redisPrefix: 'SLIPWAY_REDIS_PREFIX',
  rateLimitPerMinute: 'SLIPWAY_RATE_LIMIT_PER_MINUTE',
  secretsKey: 'SLIPWAY_SECRETS_KEY',
  drainMs: 'SLIPWAY_DRAIN_MS',
  rolloutDeadlineMs: 'SLIPWAY_ROLLOUT_DEADLINE_MS',
  serviceUrlTemplate: 'SLIPWAY_SERVICE_URL_TEMPLATE',
  githubApiUrl: 'SLIPWAY_GITHUB_API_URL',
  dashboardSecret: 'SLIPWAY_DASHBOARD_SECRET',
  dataDir: 'SLIPWAY_DATA_DIR',
  registry: 'SLIPWAY_REGISTRY',
  region: 'AWS_REGION',
  endpoint: 'AWS_ENDPOINT_URL',
  stateBucket: 'SLIPWAY_STATE_BUCKET',
  statePrefix: 'SLIPWAY_STATE_PREFIX',
  leaseTable: 'SLIPWAY_LEASE_TABLE',
  ecrPushRegistry: 'SLIPWAY_ECR_PUSH_REGISTRY',
  ...awsEdgeVariables,
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the controller's configuration once, at start-up. */
export function controllerConfigFromEnv(env: NodeJS.ProcessEnv, cwd: string): ControllerConfig {
  const raw: Record<string, unknown> = { mode: env.SLIPWAY_MODE ?? 'local' };
  for (const [field, variable] of Object.entries(variables)) {
    if (field !== 'mode' && env[variable] !== undefined && env[variable] !== '') raw[field] = env[variable];
  }
  if (raw.mode === 'local') raw.dataDir ??= join(cwd, '.slipway');
  const parsed = controllerConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? 'mode');
    return `${variables[field] ?? field}: ${issue.message}`;
  });
  throw new ConfigError(`invalid controller configuration:\n  ${problems.join('\n  ')}`);
}
