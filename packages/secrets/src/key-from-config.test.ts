import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { SecretKeyConfigError } from './errors.js';
import { keyFromConfig } from './key-from-config.js';

describe('keyFromConfig', () => {
  const key = randomBytes(32);

  it('accepts 32 bytes as base64 (as openssl prints it), unpadded base64url and hex', () => {
    expect(keyFromConfig(`${key.toString('base64')}\n`).equals(key)).toBe(true);
    expect(keyFromConfig(key.toString('base64url')).equals(key)).toBe(true);
    expect(keyFromConfig(key.toString('hex')).equals(key)).toBe(true);
    expect(keyFromConfig(key.toString('hex').toUpperCase()).equals(key)).toBe(true);
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64')],
    ['48 bytes', randomBytes(48).toString('base64')],
    ['a passphrase', 'correct horse battery staple'],
    ['empty text', ''],
    ['hex of 31 bytes', randomBytes(31).toString('hex')],
  ])('refuses %s, saying how to make a key and never echoing the text', (_what, text) => {
    let thrown: unknown;
    try {
      keyFromConfig(text, 'SLIPWAY_SECRETS_KEY');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SecretKeyConfigError);
    const message = (thrown as Error).message;
    expect(message).toContain('SLIPWAY_SECRETS_KEY must be 32 random bytes');
    expect(message).toContain('openssl rand -base64 32');
    if (text !== '') expect(message).not.toContain(text);
  });

  it('refuses a missing value', () => {
    expect(() => keyFromConfig(undefined as unknown as string)).toThrow(/got undefined\./);
  });
});
