import { SecretError } from './errors.js';

/** A fresh data key: the plaintext to encrypt one value with, and the same key wrapped by `keyId`. */
export interface DataKey {
  /** The provider key that wrapped it (for KMS: the key ARN). Stored as the envelope's `kid`. */
  keyId: string;
  /** 32 bytes; the caller wipes it after use. */
  plaintext: Uint8Array;
  /** The wrapped key, stored beside the value (`edk`); only the provider can unwrap it. */
  encrypted: Uint8Array;
}

/**
 * The seam for envelope encryption. Shaped after AWS KMS so an implementation over
 * `GenerateDataKey` (KeySpec AES_256, EncryptionContext) and `Decrypt` (CiphertextBlob, KeyId,
 * EncryptionContext) is a drop-in. `encryptionContext` is bound to the wrapped key: unwrapping with a
 * different context must fail.
 *
 * Failures: throw `DataKeyError` with `unknown-key` (key id not known or not usable) or
 * `authentication-failed` (wrong context or tampered blob); anything else is reported as
 * `key-provider-failed` by `DataKeyCipher`.
 */
export interface DataKeyProvider {
  generateDataKey(encryptionContext: Readonly<Record<string, string>>): Promise<DataKey>;
  decryptDataKey(input: {
    keyId: string;
    encrypted: Uint8Array;
    encryptionContext: Readonly<Record<string, string>>;
  }): Promise<Uint8Array>;
}

/** A `DataKeyProvider` could not unwrap a data key; `reason` says why (no key material in the message). */
export class DataKeyError extends SecretError {
  override readonly name = 'DataKeyError';

  constructor(
    readonly reason: 'unknown-key' | 'authentication-failed',
    readonly keyId: string,
    options?: { cause?: unknown },
  ) {
    super(
      'SECRET_DECRYPT_FAILED',
      reason === 'unknown-key'
        ? `Data key provider does not know key "${keyId}".`
        : `Data key wrapped by "${keyId}" failed authentication (wrong encryption context or tampered).`,
      options,
    );
  }
}
