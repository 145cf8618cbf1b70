import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_BYTES } from './aes-gcm.js';
import { SecretKeyConfigError } from './errors.js';
import { keyFromConfig } from './key-from-config.js';

/** Where the secrets key comes from: given (SLIPWAY_SECRETS_KEY), or local mode's file. */
export interface SecretsKeySource {
  /** The key as configured (base64 or hex, 32 bytes); required in AWS mode. */
  secretsKey: string | undefined;
  mode: 'local' | 'aws';
  /** Local mode's data folder: the key is `<dataDir>/secrets.key`. */
  dataDir: string;
}

/**
 * The key every process that reads secrets shares (the controller, the CircleCI builder). AWS mode
 * must be given one; local mode makes one on first start and keeps it beside the state, readable by
 * this user only — whichever process starts first makes it and the others read that one.
 *
 * @example
 * const key = loadSecretsKey({ secretsKey: config.secretsKey, mode: config.mode, dataDir: config.dataDir });
 * const cipher = new LocalKeyCipher({ keys: { local: key }, activeKeyId: 'local' });
 */
export function loadSecretsKey(source: SecretsKeySource): Buffer {
  if (source.secretsKey) return keyFromConfig(source.secretsKey, 'SLIPWAY_SECRETS_KEY');
  if (source.mode === 'aws')
    throw new SecretKeyConfigError(
      'SLIPWAY_SECRETS_KEY is required in AWS mode: give every process the same key (`openssl rand -base64 32`).',
    );
  const file = join(source.dataDir, 'secrets.key');
  try {
    return keyFromConfig(readFileSync(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(source.dataDir, { recursive: true });
  try {
    // 'wx': never overwrite a key another process made a moment ago; use theirs instead.
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return keyFromConfig(readFileSync(file, 'utf8'), file);
}
