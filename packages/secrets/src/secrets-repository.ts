import { environmentNameSchema, serviceNameSchema, tenantIdSchema } from '@slipway/core';
import { Repository, type StateStore } from '@slipway/state';
import { conditionalRewrite } from './conditional-rewrite.js';
import { InvalidSecretError, MissingSecretsError } from './errors.js';
import { Secret } from './secret.js';
import type { SecretCipher } from './secret-cipher.js';
import type { SecretContext } from './secret-context.js';
import { assertSecretName, assertSecretValue } from './secret-rules.js';
import { isTenantScope, type SecretScope } from './secret-scope.js';
import { type SecretsDocument, secretsDocumentSchema } from './secrets-document.js';
import { secretsKey } from './secrets-keys.js';

export interface SecretsRepositoryOptions {
  store: StateStore;
  cipher: SecretCipher;
  /** The clock for `updatedAt`; default `() => new Date()`. */
  now?: () => Date;
  /** Read-modify-write rounds before a `ConflictError` is given up; default 10. */
  attempts?: number;
}

/** What may be shown about a secret: its name and when it was last set. Never the value. */
export interface SecretListing {
  name: string;
  updatedAt: string;
}

const SERVICE_SCHEMAS = {
  tenant: tenantIdSchema,
  environment: environmentNameSchema,
  service: serviceNameSchema,
};
const TENANT_SCHEMAS = { tenant: tenantIdSchema };

/** Throws `InvalidSecretError` unless every id of the scope is a DNS label. */
function assertScope(scope: SecretScope): void {
  const schemas = isTenantScope(scope) ? TENANT_SCHEMAS : SERVICE_SCHEMAS;
  for (const [part, schema] of Object.entries(schemas)) {
    const value: unknown = (scope as unknown as Record<string, unknown> | null)?.[part];
    if (!schema.safeParse(value).success) {
      throw new InvalidSecretError(
        'context',
        `Invalid ${part} ${JSON.stringify(String(value).slice(0, 64))}: use a DNS label (lowercase letters, digits and "-").`,
      );
    }
  }
}

/**
 * Secrets encrypted at rest in the state store, in one document per scope: a service's secret
 * environment variables (`tenants/<tenant>/secrets/<environment>/<service>.json`) or the tenant's own
 * secrets (`tenants/<tenant>/secrets/tenant.json`, see `tenantRef`). Write-only from the outside:
 * `set`, `delete` and `listNames` never return values; `reveal` decrypts — a service's for the
 * container-injection path, a tenant's for Slipway's own use (builders), never for a container.
 *
 * @example
 * const secrets = new SecretsRepository({ store, cipher });
 * await secrets.set({ tenant: 'acme', environment: 'production', service: 'web' }, 'DATABASE_URL', url);
 * const env = await secrets.reveal(ref); // { DATABASE_URL: Secret }
 * await secrets.set(tenantRef('acme'), 'CIRCLECI_TOKEN', token);
 * const { CIRCLECI_TOKEN } = await secrets.reveal(tenantRef('acme'), { names: ['CIRCLECI_TOKEN'] });
 */
export class SecretsRepository {
  readonly #documents: Repository<SecretsDocument>;
  readonly #cipher: SecretCipher;
  readonly #now: () => Date;
  readonly #attempts: number;

  constructor(options: SecretsRepositoryOptions) {
    this.#documents = new Repository<SecretsDocument>({
      store: options.store,
      schema: secretsDocumentSchema,
      keyOf: (document) => secretsKey(scopeOf(document)),
      kind: 'secrets document',
      ownsKey: (key) => key.includes('/secrets/'),
    });
    this.#cipher = options.cipher;
    this.#now = options.now ?? (() => new Date());
    this.#attempts = options.attempts ?? 10;
  }

  /** Sets (creates or replaces) one secret. The value is encrypted before anything is written. */
  async set(ref: SecretScope, name: string, value: string | Secret): Promise<SecretListing> {
    assertScope(ref);
    assertSecretName(name);
    const plaintext = Secret.isSecret(value) ? value : new Secret(value);
    assertSecretValue(name, plaintext.reveal());
    const envelope = await this.#cipher.encrypt(plaintext, contextOf(ref, name));
    const updatedAt = this.#now().toISOString();
    await conditionalRewrite(
      this.#documents,
      secretsKey(ref),
      (current) => ({
        ...scopeOf(ref),
        secrets: Object.fromEntries([
          ...Object.entries(current?.secrets ?? {}).filter(([other]) => other !== name),
          [name, { envelope, updatedAt }],
        ]),
        updatedAt,
      }),
      this.#attempts,
    );
    return { name, updatedAt };
  }

  /** Removes one secret; false when it was not set. The document goes with the last secret. */
  async delete(ref: SecretScope, name: string): Promise<boolean> {
    assertScope(ref);
    assertSecretName(name);
    let deleted = false;
    const updatedAt = this.#now().toISOString();
    await conditionalRewrite(
      this.#documents,
      secretsKey(ref),
      (current) => {
        deleted = current !== undefined && Object.hasOwn(current.secrets, name);
        if (!current || !deleted) return 'keep';
        const rest = Object.entries(current.secrets).filter(([other]) => other !== name);
        return rest.length === 0 ? null : { ...current, secrets: Object.fromEntries(rest), updatedAt };
      },
      this.#attempts,
    );
    return deleted;
  }

  /** Removes every secret of the scope (when the service itself is deleted). */
  async deleteAll(ref: SecretScope): Promise<void> {
    assertScope(ref);
    await conditionalRewrite(
      this.#documents,
      secretsKey(ref),
      (current) => (current ? null : 'keep'),
      this.#attempts,
    );
  }

  /** The names of the scope's secrets with when each was set, sorted by name. Never values. */
  async listNames(ref: SecretScope): Promise<SecretListing[]> {
    assertScope(ref);
    const stored = await this.#documents.get(secretsKey(ref));
    return Object.entries(stored?.value.secrets ?? {})
      .map(([name, { updatedAt }]) => ({ name, updatedAt }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Decrypts the scope's secrets as a null-prototype record of `Secret`s: a service's for injection
   * into its containers, a tenant's for Slipway's own use. With `names` (a service's secret
   * references, or the tenant secrets a builder needs), returns exactly those and throws
   * `MissingSecretsError` listing any that are not set. A value that fails to decrypt throws
   * `SecretDecryptError` naming it.
   */
  async reveal(
    ref: SecretScope,
    options: { names?: readonly string[] } = {},
  ): Promise<Record<string, Secret>> {
    assertScope(ref);
    const stored = await this.#documents.get(secretsKey(ref));
    const secrets = stored?.value.secrets ?? {};
    const names = options.names ? [...new Set(options.names)] : Object.keys(secrets);
    const missing = names.filter((name) => !Object.hasOwn(secrets, name));
    if (missing.length > 0) throw new MissingSecretsError(ref, missing);
    const revealed = await Promise.all(
      names.map(async (name) => {
        const entry = secrets[name]!;
        return [name, await this.#cipher.decrypt(entry.envelope, contextOf(ref, name))] as const;
      }),
    );
    const result: Record<string, Secret> = Object.create(null);
    for (const [name, secret] of revealed) result[name] = secret;
    return result;
  }
}

/**
 * Only the ids, with the scope tag for a tenant: a caller's ref object may carry other fields that must
 * not reach the document or the encryption context. Also reads a stored document's scope.
 */
function scopeOf(ref: SecretScope | SecretsDocument): SecretScope {
  if (isTenantScope(ref as SecretScope)) return { scope: 'tenant', tenant: ref.tenant };
  const { tenant, environment, service } = ref as { tenant: string; environment: string; service: string };
  return { tenant, environment, service };
}

/** The context a value is encrypted under: the scope's ids and the name. */
function contextOf(ref: SecretScope, name: string): SecretContext {
  return { ...scopeOf(ref), name };
}
