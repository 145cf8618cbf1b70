import { join } from 'node:path';
import { z } from 'zod';
import { FsStateStore } from './fs-state-store.js';
import { S3StateStore } from './s3-state-store.js';
import type { StateStore } from './state-store.js';

/** Where the durable state lives in each mode (DESIGN.md §5). */
export type StateStoreConfig =
  | { mode: 'local' /** Folder of the documents, `<data dir>/state`. */; root: string }
  | {
      mode: 'aws';
      region: string;
      /** AWS_ENDPOINT_URL: moto_server in tests; unset against real AWS. */
      endpoint?: string;
      bucket: string;
      prefix: string;
    };

const awsSchema = z.object({
  AWS_REGION: z.string({ error: 'set AWS_REGION, e.g. us-east-1' }).min(1, 'set AWS_REGION, e.g. us-east-1'),
  AWS_ENDPOINT_URL: z.url().optional(),
  SLIPWAY_STATE_BUCKET: z
    .string({ error: 'set SLIPWAY_STATE_BUCKET to the S3 bucket that holds the state' })
    .min(3, 'set SLIPWAY_STATE_BUCKET to the S3 bucket that holds the state'),
  SLIPWAY_STATE_PREFIX: z.string().default(''),
});

/** SLIPWAY_MODE or one of the variables of its mode is missing or wrong; the message names each. */
export class StateConfigError extends Error {
  override readonly name = 'StateConfigError';
}

/**
 * Reads the state store's variables, the same ones the controller reads: SLIPWAY_MODE (`local`,
 * the default, or `aws`); local: SLIPWAY_DATA_DIR (default `<cwd>/.slipway`); AWS: AWS_REGION,
 * AWS_ENDPOINT_URL, SLIPWAY_STATE_BUCKET, SLIPWAY_STATE_PREFIX. For processes other than the
 * controller (GitHub App, builders) that share its state.
 *
 * @throws StateConfigError naming every variable to fix.
 */
export function stateStoreConfigFromEnv(env: NodeJS.ProcessEnv, cwd: string): StateStoreConfig {
  const mode = env.SLIPWAY_MODE || 'local';
  if (mode === 'local') return { mode, root: join(env.SLIPWAY_DATA_DIR || join(cwd, '.slipway'), 'state') };
  if (mode !== 'aws') throw new StateConfigError(`SLIPWAY_MODE: expected "local" or "aws", got "${mode}"`);
  const parsed = awsSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    throw new StateConfigError(`invalid state store configuration:\n  ${problems.join('\n  ')}`);
  }
  const vars = parsed.data;
  return {
    mode,
    region: vars.AWS_REGION,
    ...(vars.AWS_ENDPOINT_URL ? { endpoint: vars.AWS_ENDPOINT_URL } : {}),
    bucket: vars.SLIPWAY_STATE_BUCKET,
    prefix: vars.SLIPWAY_STATE_PREFIX,
  };
}

/** Opens the store a config names; the caller closes it. */
export function createStateStore(config: StateStoreConfig): StateStore {
  if (config.mode === 'local') return new FsStateStore({ root: config.root });
  return new S3StateStore({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    // moto (and other S3 look-alikes) answer on one host, not on bucket subdomains.
    forcePathStyle: config.endpoint !== undefined,
    bucket: config.bucket,
    prefix: config.prefix,
  });
}
