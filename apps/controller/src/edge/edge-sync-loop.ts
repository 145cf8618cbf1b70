import type { Edge, EdgeRoute } from '@slipway/cloud';
import type { Redis } from 'ioredis';
import type { ReplicaLoop } from '../loops/leader-loop.js';
import { edgeRoutesFor } from './edge-routes.js';
import { listTenantIds, readTenantTraffic, TenantChanges, type TrafficSources } from './tenant-traffic.js';

export interface EdgeSyncOptions extends TrafficSources {
  edge: Edge;
  /** For the subscription (duplicated). */
  redis: Redis;
  prefix: string;
  /** Every tenant's routes are rebuilt this often, whatever was heard. Default 10 s. */
  resyncMs?: number;
}

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
      const changes = await TenantChanges.subscribe(options.redis, options.prefix, logger, 'edge sync');
      let nextResync = 0;
      let applied = '';
      try {
        while (!signal.aborted) {
          if (Date.now() >= nextResync) {
            changes.mark(...(await listTenantIds(store)), ...tables.keys()); // a deleted tenant's routes go
            nextResync = Date.now() + resyncMs;
          }
          for (const tenant of changes.take()) {
            try {
              const { services, endpoints } = await readTenantTraffic(options, tenant);
              const routes = edgeRoutesFor(tenant, services, endpoints);
              if (routes.length > 0) tables.set(tenant, routes);
              else tables.delete(tenant);
            } catch (error) {
              changes.mark(tenant);
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
          await changes.wait(1000, signal);
        }
      } finally {
        changes.close();
      }
    },
  };
}
