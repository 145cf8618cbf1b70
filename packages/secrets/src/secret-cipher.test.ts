import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { DataKeyCipher } from './data-key-cipher.js';
import { DataKeyError, type DataKeyProvider } from './data-key-provider.js';
import { InvalidSecretError, SecretDecryptError, SecretKeyConfigError } from './errors.js';
import type { KeyringOptions } from './keyring.js';
import { LocalDataKeyProvider } from './local-data-key-provider.js';
import { LocalKeyCipher } from './local-key-cipher.js';
import { Secret } from './secret.js';
import type { SecretCipher } from './secret-cipher.js';
import type { SecretContext } from './secret-context.js';
import type { SecretEnvelope } from './secret-envelope.js';

const VALUE = 'postgres://app:correct-horse-battery@db/app';
const CONTEXT: SecretContext = {
  tenant: 'acme',
  environment: 'production',
  service: 'web',
  name: 'DATABASE_URL',
};

type CipherFactory = (keyring: KeyringOptions) => SecretCipher;
const ciphers: [string, CipherFactory][] = [
  ['LocalKeyCipher', (keyring) => new LocalKeyCipher(keyring)],
  [
    'DataKeyCipher over LocalDataKeyProvider',
    (keyring) => new DataKeyCipher({ provider: new LocalDataKeyProvider(keyring) }),
  ],
];

async function decryptError(promise: Promise<unknown>): Promise<SecretDecryptError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SecretDecryptError);
  const decrypt = error as SecretDecryptError;
  expect(decrypt.code).toBe('SECRET_DECRYPT_FAILED');
  expect(decrypt.message).not.toContain(VALUE);
  return decrypt;
}

/** Flips one bit of a base64 field. */
function flip(field: string, byte = 0): string {
  const bytes = Buffer.from(field, 'base64');
  bytes[byte] = bytes[byte]! ^ 0x01;
  return bytes.toString('base64');
}

describe.each(ciphers)('%s', (_name, make) => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const cipher = make({ activeKeyId: 'k1', keys: { k1 } });

  it('round-trips a value into a v1 A256GCM envelope that does not contain it', async () => {
    const envelope = await cipher.encrypt(VALUE, CONTEXT);
    expect(envelope).toMatchObject({ v: 1, alg: 'A256GCM', kid: 'k1' });
    expect(Buffer.from(envelope.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(envelope.tag, 'base64')).toHaveLength(16);
    expect(JSON.stringify(envelope)).not.toContain(VALUE);
    expect(JSON.stringify(envelope)).not.toContain(Buffer.from(VALUE).toString('base64').slice(0, 12));
    const secret = await cipher.decrypt(envelope, CONTEXT);
    expect(secret).toBeInstanceOf(Secret);
    expect(secret.reveal()).toBe(VALUE);
  });

  it('round-trips empty, unicode and 64 KiB values, and Secret inputs', async () => {
    for (const value of ['', 'päss 🔑 wörd', 'x'.repeat(64 * 1024)]) {
      const envelope = await cipher.encrypt(new Secret(value), CONTEXT);
      expect((await cipher.decrypt(envelope, CONTEXT)).reveal()).toBe(value);
    }
  });

  it('uses a fresh IV for every value, so equal values give different ciphertexts', async () => {
    const a = await cipher.encrypt(VALUE, CONTEXT);
    const b = await cipher.encrypt(VALUE, CONTEXT);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  it.each([
    ['tenant', { tenant: 'evil' }],
    ['environment', { environment: 'staging' }],
    ['service', { service: 'worker' }],
    ['name', { name: 'OTHER_NAME' }],
  ])('binds the %s: the ciphertext fails to decrypt in another context', async (_part, change) => {
    const envelope = await cipher.encrypt(VALUE, CONTEXT);
    const error = await decryptError(cipher.decrypt(envelope, { ...CONTEXT, ...change }));
    expect(error.reason).toBe('authentication-failed');
  });

  it.each(['ct', 'iv', 'tag'] as const)('detects a tampered %s', async (field) => {
    const envelope = await cipher.encrypt(VALUE, CONTEXT);
    const error = await decryptError(
      cipher.decrypt({ ...envelope, [field]: flip(envelope[field]) }, CONTEXT),
    );
    expect(error.reason).toBe('authentication-failed');
    expect(error.message).toContain('DATABASE_URL of acme/production/web');
  });

  it('refuses malformed envelopes (truncated tag, wrong version) without trying them', async () => {
    const envelope = await cipher.encrypt(VALUE, CONTEXT);
    const truncated = {
      ...envelope,
      tag: Buffer.from(envelope.tag, 'base64').subarray(0, 8).toString('base64'),
    };
    expect((await decryptError(cipher.decrypt(truncated, CONTEXT))).reason).toBe('malformed-envelope');
    const future = { ...envelope, v: 2 } as unknown as SecretEnvelope;
    expect((await decryptError(cipher.decrypt(future, CONTEXT))).reason).toBe('malformed-envelope');
  });

  it('names an unknown key id', async () => {
    const envelope = await cipher.encrypt(VALUE, CONTEXT);
    const error = await decryptError(cipher.decrypt({ ...envelope, kid: 'k9' }, CONTEXT));
    expect(error.reason).toBe('unknown-key');
    expect(error.keyId).toBe('k9');
    expect(error.message).toContain('"k9"');
  });

  it('fails with the wrong key under the same id', async () => {
    const envelope = await cipher.encrypt(VALUE, CONTEXT);
    const impostor = make({ activeKeyId: 'k1', keys: { k1: k2 } });
    expect((await decryptError(impostor.decrypt(envelope, CONTEXT))).reason).toBe('authentication-failed');
  });

  it('rotates: the new active key encrypts, the old key still decrypts, dropping it breaks only old values', async () => {
    const old = await cipher.encrypt(VALUE, CONTEXT);
    const rotated = make({ activeKeyId: 'k2', keys: { k1, k2 } });
    const fresh = await rotated.encrypt(VALUE, CONTEXT);
    expect(fresh.kid).toBe('k2');
    expect((await rotated.decrypt(old, CONTEXT)).reveal()).toBe(VALUE);
    expect((await rotated.decrypt(fresh, CONTEXT)).reveal()).toBe(VALUE);
    const retired = make({ activeKeyId: 'k2', keys: { k2 } });
    expect((await retired.decrypt(fresh, CONTEXT)).reveal()).toBe(VALUE);
    expect((await decryptError(retired.decrypt(old, CONTEXT))).reason).toBe('unknown-key');
  });

  it('refuses an invalid context before encrypting', async () => {
    await expect(cipher.encrypt(VALUE, { ...CONTEXT, tenant: '' })).rejects.toThrow(InvalidSecretError);
    await expect(cipher.encrypt(VALUE, { ...CONTEXT, name: 'not a name' })).rejects.toThrow(
      InvalidSecretError,
    );
  });

  it('refuses a bad key ring with a clear message', () => {
    expect(() => make({ activeKeyId: 'k1', keys: { k1: randomBytes(16) } })).toThrow(/32 bytes/);
    expect(() => make({ activeKeyId: 'k3', keys: { k1 } })).toThrow(SecretKeyConfigError);
    expect(() => make({ activeKeyId: 'k3', keys: { k1 } })).toThrow(
      /"k3" is not among the configured keys \(k1\)/,
    );
  });
});

describe('LocalKeyCipher and DataKeyCipher', () => {
  const keyring = { activeKeyId: 'k1', keys: { k1: randomBytes(32) } };
  const local = new LocalKeyCipher(keyring);
  const envelopeCipher = new DataKeyCipher({ provider: new LocalDataKeyProvider(keyring) });

  it('store a wrapped data key only with envelope encryption', async () => {
    expect((await local.encrypt(VALUE, CONTEXT)).edk).toBeUndefined();
    const envelope = await envelopeCipher.encrypt(VALUE, CONTEXT);
    expect(Buffer.from(envelope.edk!, 'base64')).toHaveLength(12 + 32 + 16);
  });

  it('do not accept each other’s envelopes, even under the same key id', async () => {
    const fromLocal = await local.encrypt(VALUE, CONTEXT);
    const fromEnvelope = await envelopeCipher.encrypt(VALUE, CONTEXT);
    expect((await decryptError(envelopeCipher.decrypt(fromLocal, CONTEXT))).reason).toBe('unknown-key');
    expect((await decryptError(local.decrypt(fromEnvelope, CONTEXT))).reason).toBe('unknown-key');
  });
});

describe('DataKeyCipher', () => {
  const keyring = { activeKeyId: 'k1', keys: { k1: randomBytes(32) } };

  it('passes the secret context to the provider as the encryption context, and wipes data keys', async () => {
    const inner = new LocalDataKeyProvider(keyring);
    const seen: Record<string, string>[] = [];
    const handedOut: Uint8Array[] = [];
    const provider: DataKeyProvider = {
      generateDataKey: async (context) => {
        seen.push({ ...context });
        const key = await inner.generateDataKey(context);
        handedOut.push(key.plaintext);
        return key;
      },
      decryptDataKey: async (input) => {
        seen.push({ ...input.encryptionContext });
        const key = await inner.decryptDataKey(input);
        handedOut.push(key);
        return key;
      },
    };
    const cipher = new DataKeyCipher({ provider });
    await cipher.decrypt(await cipher.encrypt(VALUE, CONTEXT), CONTEXT);
    const expected = { purpose: 'slipway.secret', ...CONTEXT };
    expect(seen).toEqual([expected, expected]);
    for (const key of handedOut) expect(Buffer.from(key).equals(Buffer.alloc(32))).toBe(true);
  });

  it('reports a wrapped key that fails to unwrap, and a failing provider, as SecretDecryptError', async () => {
    const cipher = new DataKeyCipher({ provider: new LocalDataKeyProvider(keyring) });
    const envelope = await cipher.encrypt(VALUE, CONTEXT);
    const tampered = { ...envelope, edk: flip(envelope.edk!, 20) };
    const error = await decryptError(cipher.decrypt(tampered, CONTEXT));
    expect(error.reason).toBe('authentication-failed');
    expect(error.cause).toBeInstanceOf(DataKeyError);

    const down = new DataKeyCipher({
      provider: {
        generateDataKey: () => Promise.reject(new Error('unreachable')),
        decryptDataKey: () => Promise.reject(new Error('KMS is unreachable')),
      },
    });
    const failed = await decryptError(down.decrypt(envelope, CONTEXT));
    expect(failed.reason).toBe('key-provider-failed');
    expect(failed.message).toContain('Check that the key provider is reachable');
  });
});
