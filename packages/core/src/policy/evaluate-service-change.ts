import type { Policy } from '../domain/policy.js';
import type { Builder, Visibility } from '../domain/workload.js';
import { builderDenial } from './builder-denial.js';
import { checkLimit } from './check-limit.js';
import { type ContainerSpec, containerDenials, type PolicyEvaluationOptions } from './container-denials.js';
import { decide, type PolicyDecision, type PolicyDenial } from './policy-decision.js';

/** A service as it would be after the change, in the terms the policy limits. */
export interface ServiceChangeSpec extends ContainerSpec {
  name: string;
  replicas: number;
  /** Per replica. */
  cpuMillicores: number;
  /** Per replica. */
  memoryMiB: number;
  visibility: Visibility;
  /** For services built from a repository. */
  builder?: Builder;
}

/** What the tenant already uses besides this service (the caller counts it). */
export interface TenantUsage {
  /** The tenant's services, not counting this one (nor preview services). */
  services: number;
  /** Σ replicas × cpu over the tenant's other services. */
  cpuMillicores: number;
  /** Σ replicas × memory over the tenant's other services. */
  memoryMiB: number;
  /** Open previews, not counting the one this service belongs to. */
  previews?: number;
}

export interface ServiceChange {
  service: ServiceChangeSpec;
  usage: TenantUsage;
  /** A new service counts against `limits.services`; an existing one never does, so a lowered limit does not block updates. */
  isNew: boolean;
  /** A preview's service counts against `limits.previews` instead of `limits.services`. */
  isPreview?: boolean;
}

/**
 * Checks a service being created or changed against the tenant's policy: service count,
 * replicas, total cpu and memory, public visibility, builder, and what its containers ask of
 * the host. Every denial is returned, so the user can fix all of them at once.
 *
 * @example
 * evaluateServiceChange(defaultPolicy('acme'), {
 *   service: { name: 'web', replicas: 12, cpuMillicores: 250, memoryMiB: 256, visibility: 'public' },
 *   usage: { services: 3, cpuMillicores: 1000, memoryMiB: 1024 },
 *   isNew: false,
 * }) // → { allowed: false, denials: [{ policy: 'limits.replicasPerService', requested: 12, allowed: 10, … }] }
 */
export function evaluateServiceChange(
  policy: Policy,
  change: ServiceChange,
  options: PolicyEvaluationOptions = {},
): PolicyDecision {
  const { service, usage } = change;
  const { limits, permissions } = policy;
  const cpu = service.replicas * service.cpuMillicores;
  const memory = service.replicas * service.memoryMiB;
  const denials: (PolicyDenial | undefined)[] = [
    change.isNew && !change.isPreview
      ? checkLimit(limits, { limit: 'services', what: 'services', requested: usage.services + 1 })
      : undefined,
    change.isNew && change.isPreview
      ? checkLimit(limits, { limit: 'previews', what: 'previews', requested: (usage.previews ?? 0) + 1 })
      : undefined,
    checkLimit(limits, { limit: 'replicasPerService', what: 'replicas', requested: service.replicas }),
    checkLimit(limits, {
      limit: 'cpuMillicores',
      what: 'cpu',
      requested: usage.cpuMillicores + cpu,
      unit: 'm',
      detail: `${service.name}: ${service.replicas} × ${service.cpuMillicores}m, other services: ${usage.cpuMillicores}m`,
    }),
    checkLimit(limits, {
      limit: 'memoryMiB',
      what: 'memory',
      requested: usage.memoryMiB + memory,
      unit: ' MiB',
      detail: `${service.name}: ${service.replicas} × ${service.memoryMiB} MiB, other services: ${usage.memoryMiB} MiB`,
    }),
    service.visibility === 'public' && !permissions.publicLoadBalancers
      ? {
          policy: 'permissions.publicLoadBalancers',
          requested: 'public',
          allowed: false,
          message: `public services are not allowed (permissions.publicLoadBalancers = false); make ${service.name} visibility: internal`,
        }
      : undefined,
    service.builder === undefined ? undefined : builderDenial(permissions, service.builder),
    ...containerDenials(policy.tenant, permissions, service, options),
  ];
  return decide(denials.filter((denial) => denial !== undefined));
}
