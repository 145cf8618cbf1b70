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
  endpoints: ReadonlyMap<string, readonly TrafficEndpoint[]>,
): EdgeRoute[] {
  return [...services]
    .sort((a, b) => (`${a.environment}/${a.name}` < `${b.environment}/${b.name}` ? -1 : 1))
    .map((service) => {
      const route = { tenant, service: service.name, environment: service.environment };
      return {
        ...route,
        hostnames: [defaultHostname(route), ...service.domains],
        backends: (endpoints.get(`${service.environment}/${service.name}`) ?? []).map(({ id, endpoint }) => ({
          id,
          address: `http://${hostPort(endpoint.address)}:${endpoint.port}`,
        })),
      };
    });
}

/** An allocation that should take traffic, and where its agent says it answers. */
export interface TrafficEndpoint {
  id: string;
  endpoint: { address: string; port: number };
}

/**
 * The allocations that should take traffic, by `<environment>/<service>`, in id order: desired,
 * not draining, reported `running` (passing their health check) with an endpoint. Both edges
 * (local and AWS) serve exactly these.
 */
export function trafficEndpoints(
  desired: ReadonlyMap<string, readonly AllocationSpec[]>,
  observed: ReadonlyMap<string, HostObservedAllocation>,
): Map<string, TrafficEndpoint[]> {
  const endpoints = new Map<string, TrafficEndpoint[]>();
  for (const specs of desired.values()) {
    for (const spec of specs) {
      if (spec.drainingSince !== undefined) continue;
      const seen = observed.get(spec.allocation);
      if (seen?.state !== 'running' || !seen.endpoint) continue;
      const key = `${spec.environment}/${spec.service}`;
      const list = endpoints.get(key) ?? [];
      list.push({ id: spec.allocation, endpoint: seen.endpoint });
      endpoints.set(key, list);
    }
  }
  for (const list of endpoints.values()) list.sort((a, b) => (a.id < b.id ? -1 : 1));
  return endpoints;
}

/** IPv6 addresses go in brackets in a URL. */
function hostPort(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
