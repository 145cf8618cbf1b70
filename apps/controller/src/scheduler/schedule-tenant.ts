import { type AllocationSpec, type DesiredPlan, planDesired, specHash } from '@slipway/core';
import type { FenceToken, Repository } from '@slipway/state';
import type { Redis } from 'ioredis';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { type DesiredAllocations, desiredKey } from '../hosts/desired-allocations.js';
import { publishDesiredChange, writeDesired } from '../hosts/write-desired.js';
import { type LoadedTenant, loadTenant, type TenantSources } from './load-tenant.js';
import { placementField, type SchedulerSignals, type ServicePlacement } from './scheduler-signals.js';

export interface ScheduleDeps extends TenantSources {
  desired: Repository<DesiredAllocations>;
  redis: Redis;
  prefix: string;
  signals: SchedulerSignals;
  fence: FenceToken;
  logger: Logger;
  graceMs: number;
  now(): number;
}

/** What one pass over a tenant did. */
export interface TenantPass {
  /** Hosts whose desired document was written. */
  written: string[];
  /** Hosts whose document was deleted (the host record is gone). */
  deleted: string[];
  /** The hosts that were live when planned: a change to this set means replan. */
  liveHosts: ReadonlySet<string>;
  hosts: readonly string[];
}

/** Desired documents written at once; S3 takes many, the local folder is slower (bench: fanout). */
const WRITE_CONCURRENCY = 16;

/**
 * One scheduling pass over a tenant: load, plan ({@link planDesired}, pure), then write each
 * host's desired document that changed — fenced (a deposed leader's writes fail) and
 * conditional on the etag it read (a concurrent writer makes this pass fail with
 * `ConflictError`; the loop runs it again). Hosts gaining allocations are written before hosts
 * losing them, so capacity is added before it is taken away; a leader dying in between leaves
 * a slot on two hosts at worst, which the next pass keeps once. Then the verdicts go to Redis.
 */
export async function scheduleTenant(deps: ScheduleDeps, tenant: string): Promise<TenantPass> {
  const loaded = await loadTenant(deps, tenant, deps.now(), deps.graceMs);
  const plan = planDesired(loaded.input);
  const { gaining, losing } = changedHosts(loaded, plan);
  const limit = pLimit(WRITE_CONCURRENCY);
  const write = (host: string) =>
    limit(() =>
      writeDesired({
        repository: deps.desired,
        redis: deps.redis,
        prefix: deps.prefix,
        document: { tenant, host, allocations: asDocumentEntries(plan.hosts.get(host) ?? []) },
        expectedEtag: loaded.etags.get(host) ?? null,
        fence: deps.fence,
      }),
    );
  await Promise.all(gaining.map(write));
  await Promise.all(losing.map(write));
  await Promise.all(
    plan.orphaned.map((host) =>
      limit(async () => {
        const etag = loaded.etags.get(host);
        await deps.desired.delete(desiredKey(tenant, host), {
          fence: deps.fence,
          ...(etag ? { ifMatch: etag } : {}),
        });
        await publishDesiredChange(deps.redis, deps.prefix, tenant, host);
      }),
    ),
  );
  await deps.signals.write(tenant, verdictsOf(plan, new Date(deps.now()).toISOString()));

  const written = [...gaining, ...losing];
  if (written.length > 0 || plan.orphaned.length > 0) {
    deps.logger.info(
      {
        tenant,
        written,
        deleted: plan.orphaned,
        liveHosts: [...loaded.input.liveHosts],
        unplaced: plan.verdicts.reduce((sum, v) => sum + v.unplaced.length, 0),
      },
      'desired allocations written',
    );
  }
  return {
    written,
    deleted: plan.orphaned,
    liveHosts: loaded.input.liveHosts,
    hosts: loaded.input.hosts.map((h) => h.id),
  };
}

/** Hosts whose allocations changed, split into those that gain one (written first) and the rest. */
function changedHosts(loaded: LoadedTenant, plan: DesiredPlan): { gaining: string[]; losing: string[] } {
  const gaining: string[] = [];
  const losing: string[] = [];
  for (const [host, next] of plan.hosts) {
    const before = loaded.input.desired.get(host);
    if (before === undefined) {
      // No document yet: write one, even empty, so the agent's poll has an answer with an etag.
      (next.length > 0 ? gaining : losing).push(host);
      continue;
    }
    const old = fingerprints(before);
    const now = fingerprints(next);
    if (old.size === now.size && [...now].every((f) => old.has(f))) continue;
    if ([...now].some((f) => !old.has(f))) gaining.push(host);
    else losing.push(host);
  }
  return { gaining, losing };
}

/** An allocation's identity and content: equal sets mean the document need not be written. */
function fingerprints(specs: readonly AllocationSpec[]): Set<string> {
  return new Set(specs.map((spec) => `${spec.allocation} ${specHash(spec)}`));
}

function verdictsOf(plan: DesiredPlan, at: string): Map<string, ServicePlacement> {
  return new Map(
    plan.verdicts.map((v) => [
      placementField(v.environment, v.service),
      { release: v.release, replicas: v.replicas, placed: v.placed, unplaced: v.unplaced, at },
    ]),
  );
}

/** Specs are plain JSON objects; the document schema only names the identity fields it checks. */
function asDocumentEntries(specs: AllocationSpec[]): DesiredAllocations['allocations'] {
  return specs as unknown as DesiredAllocations['allocations'];
}
