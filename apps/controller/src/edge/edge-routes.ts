import { defaultHostname, type EdgeRoute } from '@slipway/cloud';
import type { AllocationSpec, Service } from '@slipway/core';
import type { HostObservedAllocation } from '../hosts/host-status-store.js';

/**
 * A tenant's routes as the edge needs them: each service's default host name and custom
 * domains, to the allocations that should take traffic — desired, not draining, reported
 * `running` (passing their health check) with an endpoint. Pure; backends in id order.
 */
export function edgeRoutesFor(
  tenant: string,
  services: readonly Service[],
  desired: ReadonlyMap<string, readonly AllocationSpec[]>,
  observed: ReadonlyMap<string, HostObservedAllocation>,
): EdgeRoute[] {
  const backends = new Map<string, { id: string; address: string }[]>();
  for (const specs of desired.values()) {
    for (const spec of specs) {
      if (spec.drainingSince !== undefined) continue;
      const seen = observed.get(spec.allocation);
      if (seen?.state !== 'running' || !seen.endpoint) continue;
      const key = `${spec.environment}/${spec.service}`;
      const list = backends.get(key) ?? [];
      list.push({
        id: spec.allocation,
        address: `http://${hostPort(seen.endpoint.address)}:${seen.endpoint.port}`,
      });
      backends.set(key, list);
    }
  }
  return [...services]
    .sort((a, b) => (`${a.environment}/${a.name}` < `${b.environment}/${b.name}` ? -1 : 1))
    .map((service) => {
      const route = { tenant, service: service.name, environment: service.environment };
      return {
        ...route,
        hostnames: [defaultHostname(route), ...service.domains],
        backends: (backends.get(`${service.environment}/${service.name}`) ?? []).sort((a, b) =>
          a.id < b.id ? -1 : 1,
        ),
      };
    });
}

/** IPv6 addresses go in brackets in a URL. */
function hostPort(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
