import { tenantPrefix } from '@slipway/state';
import type { ApiServices } from '../api/services.js';
import { type DesiredAllocations, desiredKey } from '../hosts/desired-allocations.js';
import type { AllocationView } from './service-views.js';

export interface AllocationFilters {
  environment?: string;
  service?: string;
  host?: string;
}

type AllocationSources = Pick<ApiServices, 'hosts' | 'logger'>;

/** The tenant's desired documents: one host's when `host` is given, else all (corrupt ones logged). */
async function desiredDocuments(
  services: AllocationSources,
  tenant: string,
  host: string | undefined,
): Promise<DesiredAllocations[]> {
  if (host !== undefined) {
    const stored = await services.hosts.desired.get(desiredKey(tenant, host));
    return stored ? [stored.value] : [];
  }
  const { documents, corrupt } = await services.hosts.desired.scan(`${tenantPrefix(tenant)}desired/`);
  if (corrupt.length > 0) {
    services.logger.warn(
      { tenant, keys: corrupt.map((c) => c.key) },
      'skipped corrupt desired allocations documents; the leader rewrites them on its next plan',
    );
  }
  return documents.map((d) => d.value);
}

/**
 * Every allocation of the tenant that matches `filters`, as the leader wrote them to the hosts'
 * desired documents, joined with the state the hosts last reported (null when none is live, or
 * without Redis). Ordered by environment, service, slot.
 */
export async function listAllocations(
  services: AllocationSources,
  tenant: string,
  filters: AllocationFilters,
): Promise<AllocationView[]> {
  const documents = await desiredDocuments(services, tenant, filters.host);
  const wanted = documents.flatMap((document) =>
    document.allocations
      .filter(
        (a) =>
          a.tenant === tenant &&
          (filters.environment === undefined || a.environment === filters.environment) &&
          (filters.service === undefined || a.service === filters.service),
      )
      .map((a) => ({ spec: a, host: document.host })),
  );
  const hosts = [...new Set(wanted.map((w) => w.host))];
  const live = (await services.hosts.status?.read(tenant, hosts)) ?? [];
  const observed = new Map(
    hosts.flatMap((host, i) => (live[i]?.observed ?? []).map((o) => [`${host}/${o.allocation}`, o] as const)),
  );
  return wanted
    .map(({ spec, host }): AllocationView => {
      const seen = observed.get(`${host}/${spec.allocation}`);
      return {
        allocation: spec.allocation,
        service: spec.service,
        environment: spec.environment,
        release: spec.release,
        slot: spec.slot,
        host,
        observed: seen
          ? { state: seen.state, containerId: seen.containerId, message: seen.message, at: seen.at }
          : null,
      };
    })
    .sort(
      (a, b) =>
        a.environment.localeCompare(b.environment) ||
        a.service.localeCompare(b.service) ||
        a.slot - b.slot ||
        a.allocation.localeCompare(b.allocation),
    );
}
