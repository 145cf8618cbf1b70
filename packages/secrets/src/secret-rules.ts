import { ENV_VAR_NAME_PATTERN } from '@slipway/core';
import { InvalidSecretError } from './errors.js';

/** Longest accepted secret name, in characters. */
export const MAX_SECRET_NAME_LENGTH = 256;
/** Largest accepted secret value: 64 KiB of UTF-8. */
export const MAX_SECRET_VALUE_BYTES = 64 * 1024;

/**
 * Throws `InvalidSecretError` unless `name` can be an environment variable name: `[A-Za-z_][A-Za-z0-9_]*`,
 * at most 256 characters, and not `__proto__` (JSON objects and schema parsers treat that key specially,
 * so it would silently vanish from the stored document).
 */
export function assertSecretName(name: string): void {
  if (typeof name !== 'string' || !ENV_VAR_NAME_PATTERN.test(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 64)) : typeof name;
    throw new InvalidSecretError(
      'name',
      `Invalid secret name ${shown}: use an environment variable name of letters, digits and "_" that does not start with a digit, e.g. DATABASE_URL.`,
    );
  }
  if (name.length > MAX_SECRET_NAME_LENGTH) {
    throw new InvalidSecretError(
      'name',
      `Secret name is ${name.length} characters long; the limit is ${MAX_SECRET_NAME_LENGTH}.`,
    );
  }
  if (name === '__proto__') {
    throw new InvalidSecretError('name', 'The secret name "__proto__" is reserved; choose another name.');
  }
}

/**
 * Throws `InvalidSecretError` unless `value` fits an environment variable: at most 64 KiB of UTF-8 and no
 * NUL character (a process environment cannot hold one). The message gives sizes, never the value.
 */
export function assertSecretValue(name: string, value: string): void {
  if (typeof value !== 'string') throw new InvalidSecretError('value', `Secret ${name} must be a string.`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_SECRET_VALUE_BYTES) {
    throw new InvalidSecretError(
      'value',
      `Secret ${name} is ${bytes} bytes; the limit is ${MAX_SECRET_VALUE_BYTES} bytes (64 KiB). Store large files elsewhere and put a reference in the secret.`,
    );
  }
  if (value.includes('\0')) {
    throw new InvalidSecretError(
      'value',
      `Secret ${name} contains a NUL character, which an environment variable cannot hold.`,
    );
  }
}
