import type { AllocationSpec, Service } from '@slipway/core';
import {
  hostsPrefix,
  listAll,
  type Repositories,
  type Repository,
  type StateStore,
  servicesPrefix,
} from '@slipway/state';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DesiredAllocations } from '../hosts/desired-allocations.js';
import { desiredChangedChannel, hostEventsChannel } from '../hosts/host-redis-keys.js';
import type { HostObservedAllocation, HostStatusStore } from '../hosts/host-status-store.js';
import { desiredPrefix } from '../scheduler/load-tenant.js';
import { TenantCache } from '../scheduler/tenant-cache.js';
import { Wakeup } from '../scheduler/wakeup.js';
import { type TrafficEndpoint, trafficEndpoints } from './edge-routes.js';

export interface TrafficSources {
  repos: Repositories;
  desired: Repository<DesiredAllocations>;
  status: HostStatusStore;
}

/** A tenant's services and the allocations of each that should take traffic. */
export interface TenantTraffic {
  services: Service[];
  endpoints: Map<string, TrafficEndpoint[]>;
}

/**
 * Earlier reads by the edge loops, per set of repositories (one per controller): each sync lists
 * the documents again but reads only those whose etag changed.
 */
const caches = new WeakMap<Repositories, TenantCache>();

/** Reads one tenant's services, desired allocations (state store) and what its agents report (Redis). */
export async function readTenantTraffic(sources: TrafficSources, tenant: string): Promise<TenantTraffic> {
  const cache = caches.get(sources.repos) ?? new TenantCache();
  caches.set(sources.repos, cache);
  const [services, hosts, desired] = await Promise.all([
    sources.repos.services.scan(servicesPrefix(tenant), { cache: cache.services }),
    sources.repos.hosts.scan(hostsPrefix(tenant), { cache: cache.hosts }),
    sources.desired.scan(desiredPrefix(tenant), { cache: cache.desired }),
  ]);
  const live = await sources.status.read(
    tenant,
    hosts.documents.map((d) => d.value.id),
  );
  const observed = new Map<string, HostObservedAllocation>();
  for (const state of live)
    for (const allocation of state.observed ?? []) observed.set(allocation.allocation, allocation);
  const specs = new Map<string, readonly AllocationSpec[]>(
    desired.documents.map((d) => [d.value.host, d.value.allocations as unknown as AllocationSpec[]]),
  );
  return { services: services.documents.map((d) => d.value), endpoints: trafficEndpoints(specs, observed) };
}

const tenantKeyPattern = /^tenants\/([^/]+)\/tenant\.json$/;

/** Every tenant in the state store. */
export async function listTenantIds(store: StateStore): Promise<string[]> {
  const tenants: string[] = [];
  for await (const { key } of listAll(store, 'tenants/')) {
    const tenant = tenantKeyPattern.exec(key)?.[1];
    if (tenant) tenants.push(tenant);
  }
  return tenants;
}

/**
 * The tenants whose traffic may have changed: a host's desired allocations were written, or a
 * host event (an allocation became healthy, failed, left) was heard. An edge loop takes them with
 * `take()` and sleeps in `wait()` until one arrives.
 */
export class TenantChanges {
  readonly #dirty = new Set<string>();
  readonly #wakeup = new Wakeup();
  readonly #subscriber: Redis;

  private constructor(subscriber: Redis) {
    this.#subscriber = subscriber;
    subscriber.on('message', (_channel, message) => {
      try {
        const { tenant } = JSON.parse(message) as { tenant?: unknown };
        if (typeof tenant === 'string') this.mark(tenant);
      } catch {
        // not ours
      }
    });
  }

  /** Subscribes on a duplicate of `redis`; `close()` ends it. */
  static async subscribe(redis: Redis, prefix: string, logger: Logger, loop: string): Promise<TenantChanges> {
    const subscriber = redis.duplicate({ maxRetriesPerRequest: null });
    subscriber.on('error', (error) =>
      logger.warn({ err: error }, `${loop}: subscription connection problem`),
    );
    const changes = new TenantChanges(subscriber);
    await subscriber.subscribe(desiredChangedChannel(prefix), hostEventsChannel(prefix));
    return changes;
  }

  mark(...tenants: string[]): void {
    for (const tenant of tenants) this.#dirty.add(tenant);
    if (tenants.length > 0) this.#wakeup.wake();
  }

  get pending(): boolean {
    return this.#dirty.size > 0;
  }

  /** The tenants marked since the last call. */
  take(): string[] {
    const tenants = [...this.#dirty];
    this.#dirty.clear();
    return tenants;
  }

  /** Sleeps `ms`, or less if a tenant is marked (or already was), or until `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    return this.#wakeup.wait(this.pending ? Math.min(ms, 200) : ms, signal);
  }

  close(): void {
    this.#subscriber.disconnect();
  }
}
