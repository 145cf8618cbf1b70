import { KEY_BYTES } from './aes-gcm.js';
import { SecretKeyConfigError } from './errors.js';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;
const BASE64URL_KEY = /^[A-Za-z0-9_-]{43}$/;

/**
 * Decodes a 256-bit key given in configuration as base64 (44 characters, e.g. from
 * `openssl rand -base64 32`), unpadded base64url (43) or hex (64). Surrounding whitespace is ignored.
 * Throws `SecretKeyConfigError` (never echoing the text) when it is not exactly 32 bytes.
 *
 * @param what names the setting in the message, e.g. `SLIPWAY_SECRETS_KEY`.
 * @example
 * const key = keyFromConfig(config.secretsKey, 'SLIPWAY_SECRETS_KEY');
 */
export function keyFromConfig(text: string, what = 'the secrets encryption key'): Buffer {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  let key: Buffer | undefined;
  if (HEX_KEY.test(trimmed)) key = Buffer.from(trimmed, 'hex');
  else if (BASE64_KEY.test(trimmed)) key = Buffer.from(trimmed, 'base64');
  else if (BASE64URL_KEY.test(trimmed)) key = Buffer.from(trimmed, 'base64url');
  if (key?.length !== KEY_BYTES) {
    const got = typeof text === 'string' ? `${trimmed.length} characters` : String(typeof text);
    throw new SecretKeyConfigError(
      `${what} must be ${KEY_BYTES} random bytes written as base64 (44 characters) or hex (64 characters); ` +
        `got ${got}. Generate one with \`openssl rand -base64 32\`.`,
    );
  }
  return key;
}
