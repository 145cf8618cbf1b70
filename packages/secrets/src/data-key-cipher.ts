import { open, seal } from './aes-gcm.js';
import { checkedEnvelope, envelopeOf, plaintextBytes, sealedOf, secretFromBytes } from './cipher-support.js';
import { DataKeyError, type DataKeyProvider } from './data-key-provider.js';
import { SecretDecryptError } from './errors.js';
import type { Secret } from './secret.js';
import type { SecretCipher } from './secret-cipher.js';
import { encryptionContextOf, type SecretContext, secretAad } from './secret-context.js';
import type { SecretEnvelope } from './secret-envelope.js';

export interface DataKeyCipherOptions {
  provider: DataKeyProvider;
}

/**
 * Envelope encryption: each value gets a fresh data key from the provider, is encrypted with it
 * (AES-256-GCM, context as AAD), and is stored with the wrapped data key (`edk`) and the provider's
 * key id (`kid`). The provider binds the same context to the wrapped key. With a KMS provider the
 * master key never leaves KMS; each `encrypt` and `decrypt` is one provider call.
 *
 * @example
 * const cipher = new DataKeyCipher({ provider: new LocalDataKeyProvider({ activeKeyId: 'k1', keys: { k1 } }) });
 */
export class DataKeyCipher implements SecretCipher {
  readonly #provider: DataKeyProvider;

  constructor(options: DataKeyCipherOptions) {
    this.#provider = options.provider;
  }

  async encrypt(plaintext: string | Secret, context: SecretContext): Promise<SecretEnvelope> {
    const aad = secretAad(context);
    const dataKey = await this.#provider.generateDataKey(encryptionContextOf(context));
    const bytes = plaintextBytes(plaintext);
    try {
      return envelopeOf(dataKey.keyId, seal(dataKey.plaintext, bytes, aad), dataKey.encrypted);
    } finally {
      dataKey.plaintext.fill(0);
      bytes.fill(0);
    }
  }

  async decrypt(envelope: SecretEnvelope, context: SecretContext): Promise<Secret> {
    const aad = secretAad(context);
    const checked = checkedEnvelope(envelope, context);
    if (checked.edk === undefined) {
      // Made by a LocalKeyCipher: its kid names a local key, which no provider holds.
      throw new SecretDecryptError('unknown-key', context, checked.kid);
    }
    const key = await this.#unwrap(checked.kid, Buffer.from(checked.edk, 'base64'), context);
    let bytes: Buffer;
    try {
      bytes = open(key, sealedOf(checked), aad);
    } catch (error) {
      throw new SecretDecryptError('authentication-failed', context, checked.kid, { cause: error });
    } finally {
      key.fill(0);
    }
    return secretFromBytes(bytes, context, checked.kid);
  }

  async #unwrap(keyId: string, encrypted: Buffer, context: SecretContext): Promise<Buffer> {
    try {
      const key = await this.#provider.decryptDataKey({
        keyId,
        encrypted,
        encryptionContext: encryptionContextOf(context),
      });
      // A view, not a copy, so wiping it wipes the provider's buffer too.
      return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
    } catch (error) {
      const reason = error instanceof DataKeyError ? error.reason : 'key-provider-failed';
      throw new SecretDecryptError(reason, context, keyId, { cause: error });
    }
  }
}
