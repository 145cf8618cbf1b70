import type { TenantEdge } from '@slipway/cloud';
import type { EdgeZone, TenantEdgeInput } from '@slipway/core';
import type { PolicyStore } from '@slipway/state';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LeaderLoop } from '../loops/leader-loop.js';
import type { ServiceVerdicts } from '../redis/service-verdicts.js';
import { tenantEdgeInput } from './aws-edge-inputs.js';
import { type ServiceEdgeStatus, serviceEdgeStatuses } from './edge-status.js';
import { listTenantIds, readTenantTraffic, TenantChanges, type TrafficSources } from './tenant-traffic.js';

export interface AwsEdgeSyncOptions extends TrafficSources {
  edge: TenantEdge;
  policies: PolicyStore;
  zoneOf(tenant: string): EdgeZone;
  /** The target groups' deregistration delay: as long as the local edge drains. */
  drainMs: number;
  /** Where each service's edge status goes for the API. */
  statuses: ServiceVerdicts<ServiceEdgeStatus>;
  /** For the subscription (duplicated). */
  redis: Redis;
  prefix: string;
  /** Every tenant's edge is compared with AWS this often, whatever was heard. Default 60 s. */
  resyncMs?: number;
  /** After a change is heard, wait this long for more before calling AWS. Default 500 ms. */
  settleMs?: number;
}

/**
 * Keeps each tenant's AWS edge (ALB, target groups, rules, Route53 records, ACM certificates)
 * equal to its services and the allocations that should take traffic. Leader only: it mutates
 * AWS, and two replicas doing so would fight. Same triggers as the local edge sync (desired
 * state written, host events) plus a resync; AwsEdge diffs against what AWS reports and makes
 * only the calls that differ, so a pass with nothing changed costs a few describe calls.
 *
 * Every tenant is handed in at every pass — one left out would be torn down — so a tenant whose
 * state could not be read keeps its last input, and before the first full read nothing is sent.
 */
export function awsEdgeSyncLoop(options: AwsEdgeSyncOptions): LeaderLoop {
  const resyncMs = options.resyncMs ?? 60_000;
  const settleMs = options.settleMs ?? 500;
  return {
    name: 'aws-edge-sync',
    async run({ signal, store, logger }) {
      const inputs = new Map<string, TenantEdgeInput>();
      const written = new Map<string, string>();
      const changes = await TenantChanges.subscribe(options.redis, options.prefix, logger, 'aws edge sync');
      let nextResync = 0;
      let applied = '';
      try {
        while (!signal.aborted) {
          let resync = false;
          if (Date.now() >= nextResync) {
            const tenants = await listTenantIds(store);
            for (const gone of [...inputs.keys()].filter((t) => !tenants.includes(t))) inputs.delete(gone);
            changes.mark(...tenants);
            nextResync = Date.now() + resyncMs;
            resync = true;
          }
          let unread = false;
          for (const tenant of changes.take()) {
            try {
              inputs.set(tenant, await readTenantInput(options, tenant));
            } catch (error) {
              changes.mark(tenant);
              unread ||= !inputs.has(tenant);
              logger.warn({ err: error, tenant }, 'aws edge sync: could not read the tenant; trying again');
            }
          }
          const all = [...inputs.values()].sort((a, b) => (a.tenant < b.tenant ? -1 : 1));
          const fingerprint = JSON.stringify(all);
          if (!unread && (resync || fingerprint !== applied)) {
            await syncOnce(options, all, written, logger);
            applied = fingerprint;
          }
          await changes.wait(Math.max(0, nextResync - Date.now()), signal);
          // Changes come in bursts (a rollout writes several hosts' allocations): one pass for the burst.
          if (changes.pending) await settle(settleMs, signal);
        }
      } finally {
        changes.close();
      }
    },
  };
}

function settle(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

async function readTenantInput(options: AwsEdgeSyncOptions, tenant: string): Promise<TenantEdgeInput> {
  const [{ services, endpoints }, { policy }] = await Promise.all([
    readTenantTraffic(options, tenant),
    options.policies.get(tenant),
  ]);
  return tenantEdgeInput({
    tenant,
    zone: options.zoneOf(tenant),
    policy,
    services,
    endpoints,
    drainMs: options.drainMs,
  });
}

/** One pass: AWS made equal to `tenants`, each service's status written where it changed. */
async function syncOnce(
  options: AwsEdgeSyncOptions,
  tenants: readonly TenantEdgeInput[],
  written: Map<string, string>,
  logger: Logger,
): Promise<void> {
  const at = new Date().toISOString();
  let reports: { tenant: string; statuses: Map<string, ServiceEdgeStatus> }[];
  try {
    const { tenants: passed } = await options.edge.update(tenants);
    const byTenant = new Map(tenants.map((t) => [t.tenant, t]));
    reports = passed.map((report) => ({
      tenant: report.tenant,
      statuses: serviceEdgeStatuses(
        report,
        (byTenant.get(report.tenant)?.services ?? []).map((s) => ({
          environment: s.environment,
          name: s.service,
        })),
        at,
      ),
    }));
  } catch (error) {
    logger.warn({ err: error }, 'aws edge sync: the pass failed; trying again at the next one');
    const message = `the AWS edge could not be updated: ${(error as Error).message}`;
    reports = tenants.map((t) => ({
      tenant: t.tenant,
      statuses: new Map(
        t.services.map((s) => [
          `${s.environment}/${s.service}`,
          { state: 'failing' as const, messages: [message], at },
        ]),
      ),
    }));
  }
  for (const { tenant, statuses } of reports) {
    // Written when something but the time changed: a quiet edge costs no Redis writes either.
    const fingerprint = JSON.stringify(
      [...statuses].map(([field, { state, messages }]) => [field, state, messages]),
    );
    if (written.get(tenant) === fingerprint) continue;
    try {
      await options.statuses.write(tenant, statuses);
      written.set(tenant, fingerprint);
    } catch (error) {
      logger.warn({ err: error, tenant }, 'aws edge sync: could not record the services’ edge status');
    }
  }
}
