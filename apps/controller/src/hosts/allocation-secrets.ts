import { MissingSecretsError } from '@slipway/secrets';
import { z } from 'zod';
import { ApiError } from '../api/errors.js';
import type { ApiServices } from '../api/services.js';
import { readDesired } from './read-desired.js';

/** The part of a desired allocation this needs; `secrets` passes through the loose schema unchecked. */
const secretNames = z.array(z.string().min(1).max(256)).max(200).default([]);

/**
 * The secret env values of one allocation, for the agent that runs it: only when the allocation is
 * in `host`'s current desired document (else 404, as for one that does not exist), exactly the
 * names its spec lists (409 naming the unset ones). Values are returned, never logged.
 */
export async function revealAllocationSecrets(
  services: ApiServices,
  input: { tenant: string; host: string; allocation: string },
): Promise<{ names: string[]; values: Record<string, string> }> {
  const { document } = await readDesired(services, input.tenant, input.host);
  const spec = document.allocations.find((a) => a.allocation === input.allocation);
  if (!spec) throw ApiError.notFound(`allocation '${input.allocation}' on host '${input.host}'`);
  const parsed = secretNames.safeParse(spec.secrets);
  if (!parsed.success)
    throw ApiError.conflict(`allocation '${input.allocation}' has a malformed secrets list; redeploy it`);
  const names = [...new Set(parsed.data)];
  if (names.length === 0) return { names, values: {} };
  // The URL's tenant, not the document's: a host reads its own tenant's secrets only.
  const ref = { tenant: input.tenant, environment: spec.environment, service: spec.service };
  try {
    const revealed = await services.secrets.reveal(ref, { names });
    const values: Record<string, string> = {};
    for (const name of names) {
      const secret = revealed[name];
      if (secret) values[name] = secret.reveal();
    }
    return { names, values };
  } catch (error) {
    if (error instanceof MissingSecretsError)
      throw new ApiError(
        409,
        'secrets_missing',
        `allocation '${input.allocation}' needs secrets that are not set: ${error.names.join(', ')}; set them on ${ref.environment}/${ref.service}`,
      );
    throw error;
  }
}
