import { isIPv4 } from 'node:net';
import { serviceLabel } from '@slipway/cloud';
import type { EdgeZone, Policy, Service, TenantEdgeInput } from '@slipway/core';
import type { TrafficEndpoint } from './edge-routes.js';

export interface TenantEdgeFacts {
  tenant: string;
  zone: EdgeZone;
  policy: Policy;
  services: readonly Service[];
  /** {@link trafficEndpoints} of the tenant. */
  endpoints: ReadonlyMap<string, readonly TrafficEndpoint[]>;
  /** How long a leaving allocation keeps its in-flight requests (the target group's deregistration delay). */
  drainMs: number;
}

/**
 * What the AWS edge should serve for one tenant: each service under `<label>.<zone domain>` and
 * its custom domains, targets = the allocations that should take traffic. Pure. The policy's
 * public permission goes in as is: the planner refuses a public service of a tenant without it
 * (no internet-facing ALB, whatever slipway.yaml said) and says so on the service's status.
 */
export function tenantEdgeInput(facts: TenantEdgeFacts): TenantEdgeInput {
  const services = [...facts.services]
    .sort((a, b) => (`${a.environment}/${a.name}` < `${b.environment}/${b.name}` ? -1 : 1))
    .map((service) => ({
      service: service.name,
      environment: service.environment,
      visibility: service.visibility,
      port: service.port,
      hostnames: [
        `${serviceLabel({ service: service.name, environment: service.environment })}.${facts.zone.domain}`,
        ...service.domains,
      ],
      health: { ...service.health },
      drainMs: facts.drainMs,
      // ALB targets of type ip take the VPC's IPv4 addresses; an agent advertising IPv6 is served by local edges only.
      targets: (facts.endpoints.get(`${service.environment}/${service.name}`) ?? [])
        .filter(({ endpoint }) => isIPv4(endpoint.address))
        .map(({ endpoint }) => ({ address: endpoint.address, port: endpoint.port })),
    }));
  return {
    tenant: facts.tenant,
    zone: facts.zone,
    publicLoadBalancers: facts.policy.permissions.publicLoadBalancers,
    services,
  };
}
