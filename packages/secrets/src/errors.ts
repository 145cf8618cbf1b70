import { describeScope, isTenantScope, type SecretScope } from './secret-scope.js';

/** Machine-readable reasons a secrets operation failed. No message or field ever holds a secret value. */
export type SecretErrorCode =
  /** A `Secret` reached `JSON.stringify` (a job payload, an API response, a log line). */
  | 'SECRET_SERIALIZATION'
  /** A stored value could not be decrypted: unknown key id, tampered or misplaced ciphertext, bad envelope. */
  | 'SECRET_DECRYPT_FAILED'
  /** Key material or a key ring in the configuration is malformed. */
  | 'SECRET_KEY_CONFIG'
  /** A secret's name, value or context breaks the rules; nothing was stored. */
  | 'SECRET_INVALID_INPUT'
  /** The secrets a service references are not all set. */
  | 'SECRET_MISSING';

/** Base class of every error this package throws on purpose; switch on `code`. */
export class SecretError extends Error {
  override readonly name: string = 'SecretError';

  constructor(
    readonly code: SecretErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Thrown by `Secret#toJSON`, so a payload that carries a `Secret` fails loudly instead of leaking
 * the value into a queue, a response or a file.
 */
export class SecretSerializationError extends SecretError {
  override readonly name = 'SecretSerializationError';

  constructor() {
    super(
      'SECRET_SERIALIZATION',
      'Refusing to serialise a Secret to JSON. Keep secrets out of job payloads, API responses and logs; ' +
        'call reveal() only where the value is injected into its service’s containers.',
    );
  }
}

/** Why a decryption failed. */
export type SecretDecryptReason =
  /** The envelope names a key id that is not configured (or the key provider does not know it). */
  | 'unknown-key'
  /** AES-GCM authentication failed: tampered ciphertext, another tenant's/service's ciphertext, or the wrong key. */
  | 'authentication-failed'
  /** The stored envelope is not a version-1 A256GCM envelope. */
  | 'malformed-envelope'
  /** The data key provider (e.g. KMS) failed for another reason; see `cause`. */
  | 'key-provider-failed';

/** What a secret is, without its value: safe to put in messages and logs. */
export type SecretLabel = SecretScope & { name: string };

const NEXT_STEP: Record<SecretDecryptReason, string> = {
  'unknown-key':
    'Add that key to the configured decryption keys (keep retired keys until every secret has been set again with the active key).',
  'authentication-failed':
    'The ciphertext was changed, copied from another tenant or service, or encrypted under a different key with the same id. Set the secret again.',
  'malformed-envelope': 'The stored document was edited by hand or by another program. Set the secret again.',
  'key-provider-failed':
    'Check that the key provider is reachable and this process may use the key, then retry.',
};

/** A stored secret could not be decrypted. The message names the secret and key id, never material. */
export class SecretDecryptError extends SecretError {
  override readonly name = 'SecretDecryptError';

  constructor(
    readonly reason: SecretDecryptReason,
    readonly label: SecretLabel,
    readonly keyId: string | undefined,
    options?: { cause?: unknown },
  ) {
    const where = describeScope(label);
    const key = keyId === undefined ? '' : ` (key id "${keyId}")`;
    super(
      'SECRET_DECRYPT_FAILED',
      `Cannot decrypt secret ${label.name} of ${where}${key}: ${reason.replaceAll('-', ' ')}. ${NEXT_STEP[reason]}`,
      options,
    );
  }
}

/** Key material or a key ring is malformed; the message says how to produce a valid one. */
export class SecretKeyConfigError extends SecretError {
  override readonly name = 'SecretKeyConfigError';

  constructor(message: string) {
    super('SECRET_KEY_CONFIG', message);
  }
}

/** A secret's name, value or context breaks the rules; `field` says which. Nothing was stored. */
export class InvalidSecretError extends SecretError {
  override readonly name = 'InvalidSecretError';

  constructor(
    readonly field: 'name' | 'value' | 'context',
    message: string,
  ) {
    super('SECRET_INVALID_INPUT', message);
  }
}

/**
 * Secrets asked for by name are not set in their scope (a service's references, or the tenant secrets a
 * builder needs); `names` lists them (names are not secret).
 */
export class MissingSecretsError extends SecretError {
  override readonly name = 'MissingSecretsError';

  constructor(
    readonly scope: SecretScope,
    readonly names: readonly string[],
  ) {
    super('SECRET_MISSING', missingMessage(scope, names));
  }
}

function missingMessage(scope: SecretScope, names: readonly string[]): string {
  if (isTenantScope(scope)) {
    return (
      `Tenant ${scope.tenant} has no tenant secrets named ${names.join(', ')}. ` +
      `An owner of the tenant sets them with PUT /v1/tenants/${scope.tenant}/secrets/<NAME>.`
    );
  }
  return (
    `Service ${describeScope(scope)} references secrets that are not set: ` +
    `${names.join(', ')}. Set them for this service, or remove them from its secrets list.`
  );
}
