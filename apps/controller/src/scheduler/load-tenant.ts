import type { AllocationSpec, DesiredPlanInput, Release } from '@slipway/core';
import type { PolicyStore, Repository, StateStore } from '@slipway/state';
import { hostsPrefix, type Repositories, releaseKey, servicesPrefix } from '@slipway/state';
import type { DesiredAllocations } from '../hosts/desired-allocations.js';
import type { HostObservedAllocation, HostStatusStore } from '../hosts/host-status-store.js';
import { type LatestRollouts, loadLatestRollouts } from './service-rollouts.js';
import type { TenantCache } from './tenant-cache.js';

export interface TenantSources {
  store: StateStore;
  repos: Repositories;
  policies: PolicyStore;
  desired: Repository<DesiredAllocations>;
  status: HostStatusStore;
  /** Earlier reads of this reader (a leader's term): unchanged documents are not read again. */
  cache?: TenantCache;
}

/** A tenant's scheduling input as read, with the etag of every desired document (for conditional writes). */
export interface LoadedTenant {
  input: Omit<DesiredPlanInput, 'nowMs' | 'compositions' | 'drainMs'>;
  /** Host id → etag of its desired document, for the hosts that have one. */
  etags: Map<string, string>;
  /** What the agents last reported, by allocation id (live hosts only). */
  observed: Map<string, HostObservedAllocation>;
  /** Each service's latest rollout, keyed `<environment>/<service>`. */
  rollouts: LatestRollouts;
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
  const { cache } = sources;
  const [hosts, services, desired, policy, rollouts] = await Promise.all([
    sources.repos.hosts.scan(hostsPrefix(tenant), cache ? { cache: cache.hosts } : {}),
    sources.repos.services.scan(servicesPrefix(tenant), cache ? { cache: cache.services } : {}),
    sources.desired.scan(desiredPrefix(tenant), cache ? { cache: cache.desired } : {}),
    sources.policies.get(tenant),
    loadLatestRollouts(sources.store, sources.repos, tenant, cache?.rollouts),
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

  const observed = new Map<string, HostObservedAllocation>();
  live.forEach((state, i) => {
    if (!liveHosts.has(hostRecords[i]!.id)) return;
    for (const allocation of state.observed ?? []) observed.set(allocation.allocation, allocation);
  });

  // The current release of each service and every release a rollout or an allocation still runs.
  const wantedReleases = new Map<string, { environment: string; service: string; id: string }>();
  const want = (environment: string, service: string, id: string | null) => {
    if (id !== null) wantedReleases.set(`${environment}/${service}/${id}`, { environment, service, id });
  };
  for (const { value: service } of services.documents)
    want(service.environment, service.name, service.release);
  for (const { rollout } of rollouts.values()) {
    for (const id of [rollout.toRelease, rollout.fromRelease, ...Object.keys(rollout.baseline)])
      want(rollout.environment, rollout.service, id);
  }
  for (const document of desired.documents) {
    for (const spec of document.value.allocations) want(spec.environment, spec.service, spec.release);
  }
  const releases = new Map<string, Release>();
  await Promise.all(
    [...wantedReleases.values()].map(async ({ environment, service, id }) => {
      const key = releaseKey({ tenant, environment, service, id });
      const known = cache?.releases.get(key);
      if (known) return void releases.set(known.id, known);
      const stored = await sources.repos.releases.get(key).catch(() => undefined);
      if (!stored) return;
      releases.set(stored.value.id, stored.value);
      cache?.releases.set(key, stored.value);
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
    observed,
    rollouts,
  };
}
