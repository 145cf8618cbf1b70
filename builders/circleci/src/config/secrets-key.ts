import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyFromConfig } from '@slipway/secrets';
import type { CircleciBuilderConfig } from './circleci-config.js';

/**
 * The key the controller encrypts secrets with, so this builder can read the tenants' CircleCI
 * token: SLIPWAY_SECRETS_KEY, or in local mode `<data dir>/secrets.key` — made here with the
 * controller's rules ('wx', mode 0600) when this process starts first, so both end up with one key.
 */
export function loadSecretsKey(config: Pick<CircleciBuilderConfig, 'secretsKey' | 'dataDir'>): Buffer {
  if (config.secretsKey) return keyFromConfig(config.secretsKey, 'SLIPWAY_SECRETS_KEY');
  const file = join(config.dataDir, 'secrets.key');
  try {
    return keyFromConfig(readFileSync(file, 'utf8').trim(), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.dataDir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return keyFromConfig(readFileSync(file, 'utf8').trim(), file);
}
