import { open, seal } from './aes-gcm.js';
import { checkedEnvelope, envelopeOf, plaintextBytes, sealedOf, secretFromBytes } from './cipher-support.js';
import { SecretDecryptError } from './errors.js';
import { Keyring, type KeyringOptions } from './keyring.js';
import type { Secret } from './secret.js';
import type { SecretCipher } from './secret-cipher.js';
import { type SecretContext, secretAad } from './secret-context.js';
import type { SecretEnvelope } from './secret-envelope.js';

/**
 * AES-256-GCM directly under configured keys (local mode): a random 96-bit IV per value, the context
 * as additional authenticated data. Rotation: the active key encrypts, every configured key decrypts.
 *
 * @example
 * const cipher = new LocalKeyCipher({ activeKeyId: 'k1', keys: { k1: keyFromConfig(config.secretsKey) } });
 * const envelope = await cipher.encrypt('s3cr3t', { tenant: 'acme', environment: 'production', service: 'web', name: 'API_TOKEN' });
 */
export class LocalKeyCipher implements SecretCipher {
  readonly #keyring: Keyring;

  constructor(options: KeyringOptions) {
    this.#keyring = new Keyring(options);
  }

  async encrypt(plaintext: string | Secret, context: SecretContext): Promise<SecretEnvelope> {
    const aad = secretAad(context);
    const { id, key } = this.#keyring.active;
    const bytes = plaintextBytes(plaintext);
    try {
      return envelopeOf(id, seal(key, bytes, aad));
    } finally {
      bytes.fill(0);
    }
  }

  async decrypt(envelope: SecretEnvelope, context: SecretContext): Promise<Secret> {
    const aad = secretAad(context);
    const checked = checkedEnvelope(envelope, context);
    if (checked.edk !== undefined) {
      // Made by a DataKeyCipher: the kid names a provider key, not one of ours.
      throw new SecretDecryptError('unknown-key', context, checked.kid);
    }
    const key = this.#keyring.key(checked.kid);
    if (!key) throw new SecretDecryptError('unknown-key', context, checked.kid);
    let bytes: Buffer;
    try {
      bytes = open(key, sealedOf(checked), aad);
    } catch (error) {
      throw new SecretDecryptError('authentication-failed', context, checked.kid, { cause: error });
    }
    return secretFromBytes(bytes, context, checked.kid);
  }
}
