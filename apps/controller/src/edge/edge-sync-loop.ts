import type { Edge, EdgeRoute } from '@slipway/cloud';
import type { AllocationSpec } from '@slipway/core';
import { hostsPrefix, listAll, type Repositories, type Repository, servicesPrefix } from '@slipway/state';
import type { Redis } from 'ioredis';
import type { DesiredAllocations } from '../hosts/desired-allocations.js';
import { desiredChangedChannel, hostEventsChannel } from '../hosts/host-redis-keys.js';
import type { HostObservedAllocation, HostStatusStore } from '../hosts/host-status-store.js';
import type { ReplicaLoop } from '../loops/leader-loop.js';
import { desiredPrefix } from '../scheduler/load-tenant.js';
import { Wakeup } from '../scheduler/wakeup.js';
import { edgeRoutesFor } from './edge-routes.js';

export interface EdgeSyncOptions {
  edge: Edge;
  repos: Repositories;
  desired: Repository<DesiredAllocations>;
  status: HostStatusStore;
  /** For the subscription (duplicated). */
  redis: Redis;
  prefix: string;
  /** Every tenant's routes are rebuilt this often, whatever was heard. Default 10 s. */
  resyncMs?: number;
}

const tenantKeyPattern = /^tenants\/([^/]+)\/tenant\.json$/;

/**
 * Keeps the edge's routing table equal to what should take traffic: on a desired-state change or
 * a host event (an allocation became healthy, failed, left) that tenant's routes are rebuilt from
 * the state store and Redis, and the whole table handed to the edge (level-triggered, never a
 * diff); every `resyncMs` all tenants are. So a restarted edge has its routes again at the first
 * pass, and a backend leaves the table as soon as it drains — before its container is stopped.
 * Every replica with a local edge runs it (it only reads), so traffic through a follower's edge
 * keeps flowing while the leader changes.
 */
export function edgeSyncLoop(options: EdgeSyncOptions): ReplicaLoop {
  const resyncMs = options.resyncMs ?? 10_000;
  return {
    name: 'edge-sync',
    async run({ signal, store, logger }) {
      const tables = new Map<string, EdgeRoute[]>();
      const dirty = new Set<string>();
      const wakeup = new Wakeup();
      const subscriber = options.redis.duplicate({ maxRetriesPerRequest: null });
      subscriber.on('error', (error) =>
        logger.warn({ err: error }, 'edge sync: subscription connection problem'),
      );
      subscriber.on('message', (_channel, message) => {
        try {
          const { tenant } = JSON.parse(message) as { tenant?: unknown };
          if (typeof tenant !== 'string') return;
          dirty.add(tenant);
          wakeup.wake();
        } catch {
          // not ours
        }
      });
      await subscriber.subscribe(desiredChangedChannel(options.prefix), hostEventsChannel(options.prefix));
      let nextResync = 0;
      let applied = '';
      try {
        while (!signal.aborted) {
          if (Date.now() >= nextResync) {
            for await (const { key } of listAll(store, 'tenants/')) {
              const tenant = tenantKeyPattern.exec(key)?.[1];
              if (tenant) dirty.add(tenant);
            }
            for (const tenant of tables.keys()) dirty.add(tenant); // a deleted tenant's routes go
            nextResync = Date.now() + resyncMs;
          }
          for (const tenant of [...dirty]) {
            dirty.delete(tenant);
            try {
              const routes = await tenantRoutes(options, tenant);
              if (routes.length > 0) tables.set(tenant, routes);
              else tables.delete(tenant);
            } catch (error) {
              dirty.add(tenant);
              logger.warn(
                { err: error, tenant },
                'edge sync: could not read the tenant’s routes; trying again',
              );
            }
          }
          const table = [...tables.values()].flat();
          const fingerprint = JSON.stringify(table);
          if (fingerprint !== applied) {
            const report = await options.edge.update(table);
            applied = fingerprint;
            for (const conflict of report.conflicts)
              logger.warn({ conflict }, 'edge: a host name is claimed by two services; the first keeps it');
            logger.debug({ routes: report.routes, hostnames: report.hostnames }, 'edge routes updated');
          }
          await wakeup.wait(dirty.size > 0 ? 200 : 1000, signal);
        }
      } finally {
        subscriber.disconnect();
      }
    },
  };
}

async function tenantRoutes(options: EdgeSyncOptions, tenant: string): Promise<EdgeRoute[]> {
  const [services, hosts, desired] = await Promise.all([
    options.repos.services.scan(servicesPrefix(tenant)),
    options.repos.hosts.scan(hostsPrefix(tenant)),
    options.desired.scan(desiredPrefix(tenant)),
  ]);
  const live = await options.status.read(
    tenant,
    hosts.documents.map((d) => d.value.id),
  );
  const observed = new Map<string, HostObservedAllocation>();
  for (const state of live)
    for (const allocation of state.observed ?? []) observed.set(allocation.allocation, allocation);
  const specs = new Map<string, readonly AllocationSpec[]>(
    desired.documents.map((d) => [d.value.host, d.value.allocations as unknown as AllocationSpec[]]),
  );
  return edgeRoutesFor(
    tenant,
    services.documents.map((d) => d.value),
    specs,
    observed,
  );
}
