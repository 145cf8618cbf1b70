import { randomBytes } from 'node:crypto';
import { KEY_BYTES, open, packSealed, seal, unpackSealed } from './aes-gcm.js';
import { type DataKey, DataKeyError, type DataKeyProvider } from './data-key-provider.js';
import { Keyring, type KeyringOptions } from './keyring.js';

/** Canonical bytes of an encryption context: sorted entries as JSON, so key order does not matter. */
function contextAad(encryptionContext: Readonly<Record<string, string>>): Buffer {
  const entries = Object.entries(encryptionContext).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(['slipway.data-key', 1, entries]), 'utf8');
}

/**
 * A `DataKeyProvider` that wraps data keys with AES-256-GCM under a local key ring (the stand-in for
 * KMS in local mode and tests). Wrapped keys are iv | ct | tag; the encryption context is their AAD.
 */
export class LocalDataKeyProvider implements DataKeyProvider {
  readonly #keyring: Keyring;

  constructor(options: KeyringOptions) {
    this.#keyring = new Keyring(options);
  }

  async generateDataKey(encryptionContext: Readonly<Record<string, string>>): Promise<DataKey> {
    const { id, key } = this.#keyring.active;
    const plaintext = randomBytes(KEY_BYTES);
    const encrypted = packSealed(seal(key, plaintext, contextAad(encryptionContext)));
    return { keyId: id, plaintext, encrypted };
  }

  async decryptDataKey(input: {
    keyId: string;
    encrypted: Uint8Array;
    encryptionContext: Readonly<Record<string, string>>;
  }): Promise<Uint8Array> {
    const key = this.#keyring.key(input.keyId);
    if (!key) throw new DataKeyError('unknown-key', input.keyId);
    try {
      return open(key, unpackSealed(input.encrypted), contextAad(input.encryptionContext));
    } catch (error) {
      throw new DataKeyError('authentication-failed', input.keyId, { cause: error });
    }
  }
}
