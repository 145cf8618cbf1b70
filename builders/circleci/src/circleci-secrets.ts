import { MissingSecretsError, type Secret, type SecretsRepository, tenantRef } from '@slipway/secrets';

/** The secret names a tenant stores for CircleCI. */
export const CIRCLECI_TOKEN = 'CIRCLECI_TOKEN';
export const CIRCLECI_WEBHOOK_SECRET = 'CIRCLECI_WEBHOOK_SECRET';

/** A tenant's CircleCI token and webhook secret; undefined when not set. Values stay `Secret`s. */
export interface CircleciSecrets {
  token(tenant: string): Promise<Secret | undefined>;
  webhookSecret(tenant: string): Promise<Secret | undefined>;
}

/**
 * {@link CircleciSecrets} from the encrypted secrets store (`@slipway/secrets`): the tenant's own
 * secrets (`PUT /v1/tenants/<tenant>/secrets/CIRCLECI_TOKEN`, owners only), which Slipway uses on
 * the tenant's behalf and never injects into a container.
 *
 * @example
 * const secrets = storedCircleciSecrets(new SecretsRepository({ store, cipher }));
 * const token = await secrets.token('acme'); // Secret | undefined
 */
export function storedCircleciSecrets(repository: Pick<SecretsRepository, 'reveal'>): CircleciSecrets {
  const read = async (tenant: string, name: string): Promise<Secret | undefined> => {
    try {
      const revealed = await repository.reveal(tenantRef(tenant), { names: [name] });
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
