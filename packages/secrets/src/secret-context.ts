import { InvalidSecretError } from './errors.js';
import { assertSecretName } from './secret-rules.js';

/**
 * Where a secret belongs. It is bound to the ciphertext as AES-GCM additional authenticated data, so
 * a ciphertext copied to another tenant, environment, service, name or scope fails to decrypt.
 */
export type SecretContext = ServiceSecretContext | TenantSecretContext;

/** A service's secret (injected into its containers). */
export interface ServiceSecretContext {
  tenant: string;
  environment: string;
  service: string;
  name: string;
}

/** A tenant secret (used by Slipway on the tenant's behalf, never injected). */
export interface TenantSecretContext {
  scope: 'tenant';
  tenant: string;
  name: string;
}

function isTenantContext(context: SecretContext): context is TenantSecretContext {
  return (context as Partial<TenantSecretContext> | null)?.scope === 'tenant';
}

/** Throws `InvalidSecretError` unless every part of `context` is a non-empty string and `name` is valid. */
export function assertSecretContext(context: SecretContext): void {
  const parts = isTenantContext(context)
    ? (['tenant'] as const)
    : (['tenant', 'environment', 'service'] as const);
  for (const part of parts) {
    const value: unknown = (context as unknown as Record<string, unknown> | null)?.[part];
    if (typeof value !== 'string' || value === '') {
      throw new InvalidSecretError('context', `A secret's ${part} must be a non-empty string.`);
    }
  }
  assertSecretName(context.name);
}

/**
 * The additional authenticated data of a secret value: a JSON array, so no two different contexts
 * encode to the same bytes (`a/b` + `c` vs `a` + `b/c`), tagged with the format version. Tenant
 * secrets carry their own tag (and fewer parts), so no tenant-scope AAD equals a service-scope one:
 * a value moved between a tenant's document and a service's fails authentication either way. The
 * service-scope bytes are those of format 1 unchanged, so stored ciphertexts still decrypt.
 */
export function secretAad(context: SecretContext): Buffer {
  assertSecretContext(context);
  if (isTenantContext(context)) {
    return Buffer.from(JSON.stringify(['slipway.tenant-secret', 1, context.tenant, context.name]), 'utf8');
  }
  const { tenant, environment, service, name } = context;
  return Buffer.from(JSON.stringify(['slipway.secret', 1, tenant, environment, service, name]), 'utf8');
}

/**
 * The context as a string map: KMS's `EncryptionContext` shape, also bound to wrapped data keys.
 * Tenant secrets use their own `purpose`, so a wrapped data key cannot cross scopes either.
 */
export function encryptionContextOf(context: SecretContext): Record<string, string> {
  assertSecretContext(context);
  if (isTenantContext(context)) {
    return { purpose: 'slipway.tenant-secret', tenant: context.tenant, name: context.name };
  }
  return {
    purpose: 'slipway.secret',
    tenant: context.tenant,
    environment: context.environment,
    service: context.service,
    name: context.name,
  };
}
