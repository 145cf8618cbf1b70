import type { AllocationSpec, DesiredPlanInput, Release } from '@slipway/core';
import type { PolicyStore, Repository } from '@slipway/state';
import { hostsPrefix, type Repositories, releaseKey, servicesPrefix } from '@slipway/state';
import type { DesiredAllocations } from '../hosts/desired-allocations.js';
import type { HostStatusStore } from '../hosts/host-status-store.js';

export interface TenantSources {
  repos: Repositories;
  policies: PolicyStore;
  desired: Repository<DesiredAllocations>;
  status: HostStatusStore;
}

/** A tenant's scheduling input as read, with the etag of every desired document (for conditional writes). */
export interface LoadedTenant {
  input: DesiredPlanInput;
  /** Host id → etag of its desired document, for the hosts that have one. */
  etags: Map<string, string>;
}

export const desiredPrefix = (tenant: string) => `tenants/${tenant}/desired/`;

/**
 * Reads what planning one tenant needs: host records, services, their current releases, the
 * desired documents as written, the policy (state store) and which hosts are live (a heartbeat
 * within `graceMs`, from Redis). Corrupt documents are skipped: one bad record must not stop the
 * tenant's scheduling (the repositories report them, the API shows them).
 */
export async function loadTenant(
  sources: TenantSources,
  tenant: string,
  nowMs: number,
  graceMs: number,
): Promise<LoadedTenant> {
  const [hosts, services, desired, policy] = await Promise.all([
    sources.repos.hosts.scan(hostsPrefix(tenant)),
    sources.repos.services.scan(servicesPrefix(tenant)),
    sources.desired.scan(desiredPrefix(tenant)),
    sources.policies.get(tenant),
  ]);
  const hostRecords = hosts.documents.map((d) => d.value);
  const live = await sources.status.read(
    tenant,
    hostRecords.map((h) => h.id),
  );
  const liveHosts = new Set(
    hostRecords
      .filter((_, i) => {
        const at = live[i]?.lastHeartbeat;
        return at !== null && at !== undefined && nowMs - Date.parse(at) <= graceMs;
      })
      .map((h) => h.id),
  );

  const releases = new Map<string, Release>();
  await Promise.all(
    services.documents.map(async ({ value: service }) => {
      if (service.release === null) return;
      const key = releaseKey({ ...service, service: service.name, id: service.release });
      const stored = await sources.repos.releases.get(key).catch(() => undefined);
      if (stored) releases.set(stored.value.id, stored.value);
    }),
  );

  const etags = new Map<string, string>();
  const specs = new Map<string, readonly AllocationSpec[]>();
  for (const document of desired.documents) {
    etags.set(document.value.host, document.etag);
    // Written by this scheduler as whole specs; the schema checks the identity fields planning uses.
    specs.set(document.value.host, document.value.allocations as unknown as AllocationSpec[]);
  }
  return {
    input: {
      tenant,
      hosts: hostRecords,
      liveHosts,
      services: services.documents.map((d) => d.value),
      releases,
      desired: specs,
      policy: policy.policy,
    },
    etags,
  };
}
