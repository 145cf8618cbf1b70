// Builders for the scheduling tests (and the bench): plain data, short to write.
import type { Host, HostStatus } from '../domain/host.js';
import { defaultPolicy, type Policy } from '../domain/policy.js';
import type { AllocationSpec } from './agent-actions.js';
import type { PlacedAllocation, PlacementInput, WantedService } from './placement-types.js';

export const TENANT = 'acme';

export function host(
  id: string,
  options: { cpu?: number; mem?: number; zone?: string; status?: HostStatus; tenant?: string } = {},
): Host {
  return {
    id,
    tenant: options.tenant ?? TENANT,
    capacity: { cpuMillicores: options.cpu ?? 4000, memoryMiB: options.mem ?? 8192 },
    labels: { zone: options.zone ?? 'zone-a', pool: 'default' },
    status: options.status ?? 'ready',
  };
}

export function wanted(
  service: string,
  replicas: number,
  options: { cpu?: number; mem?: number; release?: string; environment?: string } = {},
): WantedService {
  return {
    service,
    environment: options.environment ?? 'production',
    release: options.release ?? `r-${service}`,
    replicas,
    resources: { cpuMillicores: options.cpu ?? 250, memoryMiB: options.mem ?? 256 },
  };
}

/** A policy roomy enough that only the hosts limit what is placed, unless overridden. */
export function roomyPolicy(limits: Partial<Policy['limits']> = {}): Policy {
  const policy = defaultPolicy(TENANT);
  return {
    ...policy,
    limits: { ...policy.limits, replicasPerService: 1000, cpuMillicores: 1e9, memoryMiB: 1e9, ...limits },
  };
}

export function input(
  hosts: Host[],
  services: WantedService[],
  allocations: PlacedAllocation[] = [],
  policy: Policy = roomyPolicy(),
): PlacementInput {
  return { tenant: TENANT, hosts, services, allocations, policy };
}

/** A whole allocation spec, for the diff and hash tests. */
export const spec: AllocationSpec = {
  allocation: 'web-0-abc',
  tenant: TENANT,
  service: 'web',
  environment: 'production',
  release: 'r-1',
  slot: 0,
  image: `registry.local/acme/web@sha256:${'a'.repeat(64)}`,
  port: 8080,
  resources: { cpuMillicores: 250, memoryMiB: 256 },
  env: { A: '1', B: '2' },
  secrets: ['DB_URL'],
  health: { path: '/', intervalMs: 10_000, timeoutMs: 5_000 },
};

export function specFor(allocation: string, release = 'r-1'): AllocationSpec {
  return { ...spec, allocation, release };
}
