import { InvalidSecretError } from './errors.js';
import { assertSecretName } from './secret-rules.js';

/**
 * Where a secret belongs. It is bound to the ciphertext as AES-GCM additional authenticated data, so
 * a ciphertext copied to another tenant, environment, service or name fails to decrypt.
 */
export interface SecretContext {
  tenant: string;
  environment: string;
  service: string;
  name: string;
}

/** Throws `InvalidSecretError` unless every part of `context` is a non-empty string and `name` is valid. */
export function assertSecretContext(context: SecretContext): void {
  for (const part of ['tenant', 'environment', 'service'] as const) {
    const value: unknown = context?.[part];
    if (typeof value !== 'string' || value === '') {
      throw new InvalidSecretError('context', `A secret's ${part} must be a non-empty string.`);
    }
  }
  assertSecretName(context.name);
}

/**
 * The additional authenticated data of a secret value: a JSON array, so no two different contexts
 * encode to the same bytes (`a/b` + `c` vs `a` + `b/c`), tagged with the format version.
 */
export function secretAad(context: SecretContext): Buffer {
  assertSecretContext(context);
  const { tenant, environment, service, name } = context;
  return Buffer.from(JSON.stringify(['slipway.secret', 1, tenant, environment, service, name]), 'utf8');
}

/** The context as a string map: KMS's `EncryptionContext` shape, also bound to wrapped data keys. */
export function encryptionContextOf(context: SecretContext): Record<string, string> {
  assertSecretContext(context);
  return {
    purpose: 'slipway.secret',
    tenant: context.tenant,
    environment: context.environment,
    service: context.service,
    name: context.name,
  };
}
