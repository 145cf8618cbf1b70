import { MissingSecretsError, type ServiceRef } from '@slipway/secrets';
import { z } from 'zod';
import { ApiError } from '../api/errors.js';
import type { ApiServices } from '../api/services.js';
import { readDesired } from './read-desired.js';

/** The part of a desired allocation this needs; `secrets` passes through the loose schema unchecked. */
const secretNames = z.array(z.string().min(1).max(256)).max(200).default([]);

/** Which secrets one allocation needs, and whose they are. */
export interface AllocationSecretsRef {
  allocation: string;
  service: ServiceRef;
  names: string[];
}

/**
 * The secret names of one allocation — only when it is in `host`'s current desired document; any
 * other allocation (another host's, or none) is 404, as for one that does not exist.
 */
export async function allocationSecretNames(
  services: ApiServices,
  input: { tenant: string; host: string; allocation: string },
): Promise<AllocationSecretsRef> {
  const { document } = await readDesired(services, input.tenant, input.host);
  const spec = document.allocations.find((a) => a.allocation === input.allocation);
  if (!spec) throw ApiError.notFound(`allocation '${input.allocation}' on host '${input.host}'`);
  const parsed = secretNames.safeParse(spec.secrets);
  if (!parsed.success)
    throw ApiError.conflict(`allocation '${input.allocation}' has a malformed secrets list; redeploy it`);
  return {
    allocation: input.allocation,
    // The URL's tenant, not the document's: a host reads its own tenant's secrets only. Always a
    // service scope, built field by field: tenant secrets (`tenantRef`) are never injected, and nothing
    // in a desired document can turn this into one (a missing environment or service is refused).
    service: { tenant: input.tenant, environment: spec.environment, service: spec.service },
    names: [...new Set(parsed.data)],
  };
}

/**
 * The values of exactly `ref.names`, for the agent that injects them; 409 naming the unset ones.
 * Values are returned, never logged.
 */
export async function revealAllocationSecrets(
  services: ApiServices,
  ref: AllocationSecretsRef,
): Promise<Record<string, string>> {
  if (ref.names.length === 0) return {};
  try {
    const revealed = await services.secrets.reveal(ref.service, { names: ref.names });
    const values: Record<string, string> = {};
    for (const name of ref.names) {
      const secret = revealed[name];
      if (secret) values[name] = secret.reveal();
    }
    return values;
  } catch (error) {
    if (error instanceof MissingSecretsError)
      throw new ApiError(
        409,
        'secrets_missing',
        `allocation '${ref.allocation}' needs secrets that are not set: ${error.names.join(', ')}; set them on ${ref.service.environment}/${ref.service.service}`,
      );
    throw error;
  }
}
