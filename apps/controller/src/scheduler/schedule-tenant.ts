import {
  type AllocationSpec,
  type Composition,
  type DesiredPlan,
  driveRollout,
  planDesired,
  type Rollout,
  specHash,
} from '@slipway/core';
import type { FenceToken, Repository } from '@slipway/state';
import type { Redis } from 'ioredis';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import {
  type DeployFeedbackProducer,
  enqueueRolloutFeedback,
} from '../deploy-feedback/enqueue-rollout-feedback.js';
import { type DesiredAllocations, desiredKey } from '../hosts/desired-allocations.js';
import { forgetDesiredEtag, reconcileDesiredEtags, recordDesiredEtag } from '../hosts/desired-etag.js';
import { writeDesired } from '../hosts/write-desired.js';
import { type LoadedTenant, loadTenant, type TenantSources } from './load-tenant.js';
import { placementField, type SchedulerSignals, type ServicePlacement } from './scheduler-signals.js';
import { newRolloutId, runningAndHealth, writeRollouts } from './service-rollouts.js';

export interface ScheduleDeps extends TenantSources {
  desired: Repository<DesiredAllocations>;
  redis: Redis;
  prefix: string;
  signals: SchedulerSignals;
  fence: FenceToken;
  logger: Logger;
  graceMs: number;
  /** How long a leaving allocation drains (the edge stops sending it requests) before it stops. */
  drainMs: number;
  /** How long a rollout's health gate may wait before the rollout rolls back. */
  progressDeadlineMs: number;
  /** Where rollouts are reported for GitHub's deploy check runs; none: not reported. */
  deployFeedback?: DeployFeedbackProducer;
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
  /** When this tenant must be planned again whatever is heard: a rollout is moving or a drain ends. */
  revisitAtMs: number | null;
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
  const nowMs = deps.now();
  const loaded = await loadTenant(deps, tenant, nowMs, deps.graceMs);
  // The long-polls' copy of each etag, from what was just listed (before this pass writes any).
  await reconcileDesiredEtags(
    deps.redis,
    deps.prefix,
    tenant,
    new Map(loaded.input.hosts.map((host) => [host.id, loaded.etags.get(host.id)])),
  );
  const { compositions, writes, moving } = driveRollouts(loaded, nowMs, deps.progressDeadlineMs);
  // Rollouts first: a leader dying after this still finds the rollout and resumes it.
  await writeRollouts(deps.repos, writes, loaded.rollouts, deps.fence);
  if (deps.deployFeedback && writes.length > 0)
    await enqueueRolloutFeedback(deps.deployFeedback, writes, loaded.input, deps.logger);
  const plan = planDesired({ ...loaded.input, compositions, nowMs, drainMs: deps.drainMs });
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
        await forgetDesiredEtag(deps.redis, deps.prefix, tenant, host);
        await deps.desired.delete(desiredKey(tenant, host), {
          fence: deps.fence,
          ...(etag ? { ifMatch: etag } : {}),
        });
        await recordDesiredEtag(deps.redis, deps.prefix, tenant, host, undefined);
      }),
    ),
  );
  await deps.signals.write(tenant, verdictsOf(plan, new Date(deps.now()).toISOString()));

  for (const rollout of writes) logRollout(deps.logger, rollout);
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
    revisitAtMs: earliest(moving ? nowMs : null, plan.nextDrainEndMs),
  };
}

/** Each released service's composition, moved along by its rollout, and the rollouts to record. */
function driveRollouts(
  loaded: LoadedTenant,
  nowMs: number,
  progressDeadlineMs: number,
): { compositions: Map<string, Composition>; writes: Rollout[]; moving: boolean } {
  const compositions = new Map<string, Composition>();
  const writes: Rollout[] = [];
  let moving = false;
  for (const service of loaded.input.services) {
    const key = `${service.environment}/${service.name}`;
    const { running, health } = runningAndHealth(
      service.environment,
      service.name,
      loaded.input.desired,
      loaded.observed,
    );
    const latest = loaded.rollouts.get(key)?.rollout;
    const driven = driveRollout({
      service,
      latest,
      running,
      health,
      nowMs,
      progressDeadlineMs,
      newRolloutId: () => newRolloutId(nowMs, key, service.release ?? ''),
    });
    compositions.set(key, driven.composition);
    writes.push(...driven.writes);
    const last = driven.writes.at(-1) ?? latest;
    if (last && (last.status === 'running' || last.status === 'rolling-back')) moving = true;
  }
  return { compositions, writes, moving };
}

function logRollout(logger: Logger, rollout: Rollout): void {
  const fields = {
    tenant: rollout.tenant,
    environment: rollout.environment,
    service: rollout.service,
    rollout: rollout.id,
    fromRelease: rollout.fromRelease,
    toRelease: rollout.toRelease,
    status: rollout.status,
    step: rollout.steps.findIndex((step) => step.status === 'running' || step.status === 'pending'),
    reason: rollout.reason,
  };
  if (rollout.status === 'failed' || rollout.status === 'rolling-back')
    logger.warn(fields, `rollout ${rollout.status}: ${rollout.reason}`);
  else logger.info(fields, `rollout ${rollout.status}`);
}

function earliest(...times: (number | null)[]): number | null {
  const set = times.filter((t): t is number => t !== null);
  return set.length === 0 ? null : Math.min(...set);
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

/** An allocation's identity, content and drain: equal sets mean the document need not be written. */
function fingerprints(specs: readonly AllocationSpec[]): Set<string> {
  // The spec hash leaves draining out (it never replaces a container); the document must not.
  return new Set(specs.map((spec) => `${spec.allocation} ${specHash(spec)} ${spec.drainingSince ?? ''}`));
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
