import { environmentNameSchema, serviceNameSchema, tenantIdSchema } from '@slipway/core';
import { Repository, type StateStore } from '@slipway/state';
import { conditionalRewrite } from './conditional-rewrite.js';
import { InvalidSecretError, MissingSecretsError } from './errors.js';
import { Secret } from './secret.js';
import type { SecretCipher } from './secret-cipher.js';
import { assertSecretName, assertSecretValue } from './secret-rules.js';
import { type SecretsDocument, secretsDocumentSchema } from './secrets-document.js';
import { type ServiceRef, secretsKey } from './secrets-keys.js';

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

const REF_SCHEMAS = {
  tenant: tenantIdSchema,
  environment: environmentNameSchema,
  service: serviceNameSchema,
};

function assertServiceRef(ref: ServiceRef): void {
  for (const [part, schema] of Object.entries(REF_SCHEMAS) as [keyof ServiceRef, typeof tenantIdSchema][]) {
    if (!schema.safeParse(ref?.[part]).success) {
      throw new InvalidSecretError(
        'context',
        `Invalid ${part} ${JSON.stringify(String(ref?.[part]).slice(0, 64))}: use a DNS label (lowercase letters, digits and "-").`,
      );
    }
  }
}

/**
 * A service's secret environment variables, encrypted at rest in the state store
 * (`tenants/<tenant>/secrets/<environment>/<service>.json`). Write-only from the outside: `set`,
 * `delete` and `listNames` never return values; `reveal` decrypts for the container-injection path.
 *
 * @example
 * const secrets = new SecretsRepository({ store, cipher });
 * await secrets.set({ tenant: 'acme', environment: 'production', service: 'web' }, 'DATABASE_URL', url);
 * const env = await secrets.reveal(ref); // { DATABASE_URL: Secret }
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
      keyOf: secretsKey,
      kind: 'secrets document',
      ownsKey: (key) => key.includes('/secrets/'),
    });
    this.#cipher = options.cipher;
    this.#now = options.now ?? (() => new Date());
    this.#attempts = options.attempts ?? 10;
  }

  /** Sets (creates or replaces) one secret. The value is encrypted before anything is written. */
  async set(ref: ServiceRef, name: string, value: string | Secret): Promise<SecretListing> {
    assertServiceRef(ref);
    assertSecretName(name);
    const plaintext = Secret.isSecret(value) ? value : new Secret(value);
    assertSecretValue(name, plaintext.reveal());
    const envelope = await this.#cipher.encrypt(plaintext, { ...pick(ref), name });
    const updatedAt = this.#now().toISOString();
    await conditionalRewrite(
      this.#documents,
      secretsKey(ref),
      (current) => ({
        ...pick(ref),
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
  async delete(ref: ServiceRef, name: string): Promise<boolean> {
    assertServiceRef(ref);
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

  /** Removes every secret of the service (when the service itself is deleted). */
  async deleteAll(ref: ServiceRef): Promise<void> {
    assertServiceRef(ref);
    await conditionalRewrite(
      this.#documents,
      secretsKey(ref),
      (current) => (current ? null : 'keep'),
      this.#attempts,
    );
  }

  /** The names of the service's secrets with when each was set, sorted by name. Never values. */
  async listNames(ref: ServiceRef): Promise<SecretListing[]> {
    assertServiceRef(ref);
    const stored = await this.#documents.get(secretsKey(ref));
    return Object.entries(stored?.value.secrets ?? {})
      .map(([name, { updatedAt }]) => ({ name, updatedAt }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Decrypts the service's secrets for injection into its containers, as a null-prototype record of
   * `Secret`s. With `names` (the service's secret references), returns exactly those and throws
   * `MissingSecretsError` listing any that are not set. A value that fails to decrypt throws
   * `SecretDecryptError` naming it.
   */
  async reveal(
    ref: ServiceRef,
    options: { names?: readonly string[] } = {},
  ): Promise<Record<string, Secret>> {
    assertServiceRef(ref);
    const stored = await this.#documents.get(secretsKey(ref));
    const secrets = stored?.value.secrets ?? {};
    const names = options.names ? [...new Set(options.names)] : Object.keys(secrets);
    const missing = names.filter((name) => !Object.hasOwn(secrets, name));
    if (missing.length > 0) throw new MissingSecretsError(ref, missing);
    const revealed = await Promise.all(
      names.map(async (name) => {
        const entry = secrets[name]!;
        return [name, await this.#cipher.decrypt(entry.envelope, { ...pick(ref), name })] as const;
      }),
    );
    const result: Record<string, Secret> = Object.create(null);
    for (const [name, secret] of revealed) result[name] = secret;
    return result;
  }
}

/** Only the ids: a caller's ref object may carry other fields that must not reach the document. */
function pick(ref: ServiceRef): ServiceRef {
  return { tenant: ref.tenant, environment: ref.environment, service: ref.service };
}
