import type { Service } from '@slipway/core';
import { servicesPrefix } from '@slipway/state';
import type { ApiServices } from '../api/services.js';

/** The tenant's services (every environment), in key order; corrupt documents are logged and left out. */
export async function listTenantServices(
  services: Pick<ApiServices, 'repos' | 'logger'>,
  tenant: string,
  environment?: string,
): Promise<Service[]> {
  const { documents, corrupt } = await services.repos.services.scan(servicesPrefix(tenant, environment));
  if (corrupt.length > 0) {
    services.logger.warn(
      { tenant, keys: corrupt.map((c) => c.key) },
      'skipped corrupt service documents; fix or delete them in the state store',
    );
  }
  return documents.map((d) => d.value);
}

/** Everything but the service named, for policy usage: a changed service is not counted twice. */
export function othersThan(all: readonly Service[], service: Pick<Service, 'environment' | 'name'>) {
  return all.filter((s) => s.environment !== service.environment || s.name !== service.name);
}
