import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyFromConfig } from '@slipway/secrets';
import type { ControllerConfig } from './config.js';

/**
 * The key that encrypts secret env vars. AWS mode must be given one (SLIPWAY_SECRETS_KEY); local
 * mode makes one on first start and keeps it, readable by this user only, beside the state.
 */
export function loadSecretsKey(config: ControllerConfig): Buffer {
  if (config.secretsKey) return keyFromConfig(config.secretsKey, 'SLIPWAY_SECRETS_KEY');
  if (config.mode === 'aws') throw new Error('SLIPWAY_SECRETS_KEY is required in AWS mode');
  const file = join(config.dataDir, 'secrets.key');
  try {
    return keyFromConfig(readFileSync(file, 'utf8').trim(), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.dataDir, { recursive: true });
  try {
    // 'wx': never overwrite a key another process made a moment ago; use theirs instead.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return keyFromConfig(readFileSync(file, 'utf8').trim(), file);
}
