import { DEFAULT_HOST_GRACE_MS } from '@slipway/core';
import {
  ConflictError,
  FencedError,
  listAll,
  type PolicyStore,
  type Repositories,
  type Repository,
} from '@slipway/state';
import type { Redis } from 'ioredis';
import type { DeployFeedbackProducer } from '../deploy-feedback/enqueue-rollout-feedback.js';
import type { DesiredAllocations } from '../hosts/desired-allocations.js';
import { type HostEvent, hostEventsChannel } from '../hosts/host-redis-keys.js';
import type { HostStatusStore } from '../hosts/host-status-store.js';
import type { LeaderLoop, LeaderLoopContext } from '../loops/leader-loop.js';
import { scheduleTenant, type TenantPass } from './schedule-tenant.js';
import { type SchedulerSignals, schedulerWakeChannel } from './scheduler-signals.js';
import { TenantCache } from './tenant-cache.js';
import { Wakeup } from './wakeup.js';

export interface SchedulerLoopOptions {
  repos: Repositories;
  policies: PolicyStore;
  desired: Repository<DesiredAllocations>;
  status: HostStatusStore;
  signals: SchedulerSignals;
  /** For publishing; the loop duplicates it for its subscription. */
  redis: Redis;
  prefix: string;
  /** A host silent this long is lost and its allocations are re-placed. Default 15 s. */
  graceMs?: number;
  /** How often host liveness is checked (Redis only). Default 1 s. */
  tickMs?: number;
  /**
   * How often every tenant is replanned from the store, whatever was heard. Default 5 min: passes
   * are driven by what is heard (API, deploys, host events, liveness ticks); the resync only
   * catches what was missed, and each one LISTs every tenant's documents.
   */
  resyncMs?: number;
  /** How long a leaving allocation drains before it stops. Default 5 s. */
  drainMs?: number;
  /** How long one rollout health gate may wait before the rollout rolls back. Default 120 s. */
  progressDeadlineMs?: number;
  /** Where each rollout change is reported for the GitHub App's deploy check runs. */
  deployFeedback?: DeployFeedbackProducer;
  now?: () => number;
}

const tenantKeyPattern = /^tenants\/([^/]+)\/tenant\.json$/;

/**
 * The scheduler: the leader's loop that keeps every host's desired allocations right. Event
 * driven — a wake-up from the API or a deploy, a host joining, coming back or leaving replans
 * that tenant at once — and level-triggered: each tick it checks, in Redis only, whether a
 * tenant's set of live hosts changed (a host went silent past the grace), and every `resyncMs`
 * it replans every tenant from the store, catching whatever was missed. A pass that meets a
 * concurrent write is simply run again; a fenced write ends the term's loop.
 */
export function schedulerLoop(options: SchedulerLoopOptions): LeaderLoop {
  const graceMs = options.graceMs ?? DEFAULT_HOST_GRACE_MS;
  const tickMs = options.tickMs ?? 1000;
  const resyncMs = options.resyncMs ?? 300_000;
  const now = options.now ?? Date.now;
  return {
    name: 'scheduler',
    async run({ fence, signal, store, logger }: LeaderLoopContext) {
      const dirty = new Set<string>();
      const passes = new Map<string, TenantPass>();
      const wakeup = new Wakeup();
      const subscriber = options.redis.duplicate({ maxRetriesPerRequest: null });
      subscriber.on('error', (error) =>
        logger.warn({ err: error }, 'scheduler: subscription connection problem'),
      );
      subscriber.on('message', (channel, message) => {
        const tenant = tenantOf(message);
        if (tenant === undefined) return;
        if (
          channel === hostEventsChannel(options.prefix) &&
          (JSON.parse(message) as HostEvent).event === 'observed'
        )
          return; // containers changing state does not move allocations
        dirty.add(tenant);
        wakeup.wake();
      });
      await subscriber.subscribe(schedulerWakeChannel(options.prefix), hostEventsChannel(options.prefix));
      const deps = {
        ...options,
        // This term's reads: a pass GETs only the documents whose listed etag changed.
        cache: new TenantCache(),
        store,
        fence,
        logger,
        graceMs,
        now,
        drainMs: options.drainMs ?? 5000,
        progressDeadlineMs: options.progressDeadlineMs ?? 120_000,
      };
      let nextResync = 0;
      try {
        while (!signal.aborted) {
          if (now() >= nextResync) {
            for await (const { key } of listAll(store, 'tenants/')) {
              const tenant = tenantKeyPattern.exec(key)?.[1];
              if (tenant) dirty.add(tenant);
            }
            nextResync = now() + resyncMs;
          }
          for (const [tenant, pass] of passes) {
            if (dirty.has(tenant)) continue;
            const due = pass.revisitAtMs !== null && now() >= pass.revisitAtMs;
            if (due || (await livenessChanged(options.status, tenant, pass, now(), graceMs)))
              dirty.add(tenant);
          }
          for (const tenant of [...dirty]) {
            if (signal.aborted) break;
            dirty.delete(tenant);
            try {
              passes.set(tenant, await scheduleTenant(deps, tenant));
            } catch (error) {
              if (error instanceof FencedError) throw error; // deposed: the runner ends the term
              dirty.add(tenant); // run it again next tick
              if (!(error instanceof ConflictError))
                logger.error({ err: error, tenant }, 'scheduler: pass failed; trying again next tick');
            }
          }
          await wakeup.wait(tickMs, signal);
        }
      } finally {
        subscriber.disconnect();
      }
    },
  };
}

function tenantOf(message: string): string | undefined {
  try {
    const tenant = (JSON.parse(message) as { tenant?: unknown }).tenant;
    return typeof tenant === 'string' ? tenant : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the tenant's live hosts differ from those its last pass planned with (Redis only). */
async function livenessChanged(
  status: HostStatusStore,
  tenant: string,
  pass: TenantPass,
  nowMs: number,
  graceMs: number,
): Promise<boolean> {
  if (pass.hosts.length === 0) return false;
  const states = await status.read(tenant, pass.hosts);
  return pass.hosts.some((host, i) => {
    const at = states[i]?.lastHeartbeat;
    const live = at !== null && at !== undefined && nowMs - Date.parse(at) <= graceMs;
    return live !== pass.liveHosts.has(host);
  });
}
