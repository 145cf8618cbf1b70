import type { Secret } from './secret.js';
import type { SecretContext } from './secret-context.js';
import type { SecretEnvelope } from './secret-envelope.js';

/**
 * Encrypts secret values bound to their context (tenant, environment, service, name). Implementations:
 * `LocalKeyCipher` (AES-256-GCM under configured keys) and `DataKeyCipher` (envelope encryption through
 * a `DataKeyProvider`, e.g. a local key ring today and AWS KMS later).
 *
 * `decrypt` throws `SecretDecryptError` for an unknown key id, a tampered or misplaced ciphertext, or a
 * malformed envelope; its message never contains key or secret material.
 */
export interface SecretCipher {
  encrypt(plaintext: string | Secret, context: SecretContext): Promise<SecretEnvelope>;
  decrypt(envelope: SecretEnvelope, context: SecretContext): Promise<Secret>;
}
