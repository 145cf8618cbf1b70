import type { Service } from '../domain/service.js';
import type { ServiceChangeSpec, TenantUsage } from './evaluate-service-change.js';

/**
 * The policy's view of a stored service. Services have no privileges, capabilities or host
 * volumes yet, so none are asked for.
 */
export function serviceChangeSpec(service: Service): ServiceChangeSpec {
  return {
    name: service.name,
    replicas: service.replicas,
    cpuMillicores: service.resources.cpuMillicores,
    memoryMiB: service.resources.memoryMiB,
    visibility: service.visibility,
    ...(service.source.kind === 'build'
      ? { builder: service.source.builder }
      : { image: service.source.image }),
  };
}

/**
 * What a list of services uses: their number, and Σ replicas × cpu and memory. Pass the
 * tenant's other services (without the one being changed, and without previews).
 */
export function sumServiceUsage(
  services: readonly Pick<Service, 'replicas' | 'resources'>[],
): Omit<TenantUsage, 'previews'> {
  return {
    services: services.length,
    cpuMillicores: services.reduce((sum, s) => sum + s.replicas * s.resources.cpuMillicores, 0),
    memoryMiB: services.reduce((sum, s) => sum + s.replicas * s.resources.memoryMiB, 0),
  };
}
