import type { ImageRegistry } from '@slipway/cloud';
import { ApiError } from '../api/errors.js';
import { platformRegistryHosts, RegistryUnavailableError } from './image-digest.js';

/** The platform registry hosts for a policy check; a registry that cannot answer is a 503 to retry. */
export async function platformRegistriesFor(registry: ImageRegistry | undefined): Promise<string[]> {
  try {
    return await platformRegistryHosts(registry);
  } catch (error) {
    if (error instanceof RegistryUnavailableError)
      throw new ApiError(503, 'registry_unavailable', error.message);
    throw error;
  }
}
