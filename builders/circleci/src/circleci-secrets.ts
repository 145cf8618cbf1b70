import { MissingSecretsError, type Secret, type SecretsRepository } from '@slipway/secrets';

/** The secret names a tenant stores for CircleCI. */
export const CIRCLECI_TOKEN = 'CIRCLECI_TOKEN';
export const CIRCLECI_WEBHOOK_SECRET = 'CIRCLECI_WEBHOOK_SECRET';

/**
 * Where a tenant's CircleCI secrets live in the secrets store: secrets are kept per
 * (tenant, environment, service), so the tenant-wide ones sit under this fixed pair. Set them with
 * `PUT /v1/tenants/<tenant>/environments/ci/services/circleci/secrets/CIRCLECI_TOKEN` (and
 * `…/CIRCLECI_WEBHOOK_SECRET`). No running service is named by it: these are never injected.
 */
export const TENANT_CIRCLECI_REF = { environment: 'ci', service: 'circleci' } as const;

/** A tenant's CircleCI token and webhook secret; undefined when not set. Values stay `Secret`s. */
export interface CircleciSecrets {
  token(tenant: string): Promise<Secret | undefined>;
  webhookSecret(tenant: string): Promise<Secret | undefined>;
}

/**
 * {@link CircleciSecrets} from the encrypted secrets store (`@slipway/secrets`).
 *
 * @example
 * const secrets = storedCircleciSecrets(new SecretsRepository({ store, cipher }));
 * const token = await secrets.token('acme'); // Secret | undefined
 */
export function storedCircleciSecrets(repository: Pick<SecretsRepository, 'reveal'>): CircleciSecrets {
  const read = async (tenant: string, name: string): Promise<Secret | undefined> => {
    try {
      const revealed = await repository.reveal({ tenant, ...TENANT_CIRCLECI_REF }, { names: [name] });
      return revealed[name];
    } catch (error) {
      if (error instanceof MissingSecretsError) return undefined;
      throw error;
    }
  };
  return {
    token: (tenant) => read(tenant, CIRCLECI_TOKEN),
    webhookSecret: (tenant) => read(tenant, CIRCLECI_WEBHOOK_SECRET),
  };
}
