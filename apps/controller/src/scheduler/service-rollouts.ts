import { createHash } from 'node:crypto';
import type { AllocationSpec, Composition, ReleaseHealth, Rollout } from '@slipway/core';
import {
  CorruptDocumentError,
  type FenceToken,
  listAll,
  type Repositories,
  rolloutsPrefix,
  type ScanCache,
  type StateStore,
} from '@slipway/state';
import type { HostObservedAllocation } from '../hosts/host-status-store.js';

/** A service's latest rollout as stored, keyed `<environment>/<service>`. */
export type LatestRollouts = Map<string, { rollout: Rollout; etag: string }>;

const rolloutKeyPattern = /^tenants\/[^/]+\/rollouts\/([^/]+)\/([^/]+)\/([^/]+)\.json$/;

/**
 * Each service's most recent rollout: one LIST of the tenant's rollout keys (ids sort by time,
 * see {@link newRolloutId}) and one GET per service, however long the history grows. With
 * `cache`, a rollout whose listed etag is unchanged is not read again; a corrupt one counts as none.
 */
export async function loadLatestRollouts(
  store: StateStore,
  repos: Repositories,
  tenant: string,
  cache?: ScanCache<Rollout>,
): Promise<LatestRollouts> {
  const newest = new Map<string, { key: string; etag: string }>();
  for await (const { key, etag } of listAll(store, rolloutsPrefix(tenant))) {
    const match = rolloutKeyPattern.exec(key);
    if (!match) continue;
    const service = `${match[1]}/${match[2]}`;
    const current = newest.get(service);
    if (current === undefined || key > current.key) newest.set(service, { key, etag });
  }
  // Only each service's newest rollout is ever looked up again; older ones would only grow the cache.
  cache?.prune(rolloutsPrefix(tenant), new Set([...newest.values()].map(({ key }) => key)));
  const latest: LatestRollouts = new Map();
  await Promise.all(
    [...newest].map(async ([service, { key, etag }]) => {
      let found = cache?.lookup(key, etag);
      if (found === undefined) {
        found = await repos.rollouts.get(key).then(
          (stored) => stored && { key, ...stored },
          // Corrupt: counts as none until rewritten. Unreadable now: none this pass, read again next.
          (error: unknown) => (error instanceof CorruptDocumentError ? error : undefined),
        );
        if (found === undefined) return; // deleted since listed, or unreadable
        cache?.remember(key, found instanceof CorruptDocumentError ? etag : found.etag, found);
      }
      if (!(found instanceof CorruptDocumentError))
        latest.set(service, { rollout: found.value, etag: found.etag });
    }),
  );
  return latest;
}

/** `ro-<time, base 36, fixed width>-<8 hex>`: sorts by when it began. */
export function newRolloutId(nowMs: number, service: string, toRelease: string): string {
  const time = nowMs.toString(36).padStart(10, '0');
  const hash = createHash('sha256').update(`${service}\n${toRelease}\n${nowMs}`).digest('hex').slice(0, 8);
  return `ro-${time}-${hash}`;
}

const GIVE_UP =
  /^(PULL_FAILED|POLICY_DENIED|SECRETS_UNAVAILABLE|CREATE_FAILED|START_FAILED|NETWORK_FAILED)\b/;

/**
 * What a service's allocations run now (per release, draining ones left out) and how healthy
 * each release is, from the desired documents and what the agents last reported: `running` is
 * healthy (it passes its health check); `unhealthy`, `exited`, and a create the agent gave up on
 * (image not pulled, refused by policy…) are failures, with the agent's words.
 */
export function runningAndHealth(
  environment: string,
  service: string,
  desired: ReadonlyMap<string, readonly AllocationSpec[]>,
  observed: ReadonlyMap<string, HostObservedAllocation>,
): { running: Composition; health: Record<string, ReleaseHealth> } {
  const running: Record<string, number> = {};
  const health: Record<string, ReleaseHealth> = {};
  for (const specs of desired.values()) {
    for (const spec of specs) {
      if (spec.environment !== environment || spec.service !== service || spec.drainingSince !== undefined)
        continue;
      running[spec.release] = (running[spec.release] ?? 0) + 1;
      health[spec.release] ??= { healthy: 0, failures: [] };
      const entry = health[spec.release]!;
      const seen = observed.get(spec.allocation);
      if (!seen) continue;
      if (seen.state === 'running') entry.healthy += 1;
      else if (
        seen.state === 'unhealthy' ||
        seen.state === 'exited' ||
        (seen.state === 'pending' && GIVE_UP.test(seen.message ?? ''))
      )
        entry.failures.push(`${spec.allocation}: ${seen.state}${seen.message ? ` — ${seen.message}` : ''}`);
    }
  }
  return { running, health };
}

/** Writes rollouts the engine changed: new ones created, known ones replaced at the etag read; fenced. */
export async function writeRollouts(
  repos: Repositories,
  writes: readonly Rollout[],
  latest: LatestRollouts,
  fence: FenceToken,
): Promise<void> {
  for (const rollout of writes) {
    const known = latest.get(`${rollout.environment}/${rollout.service}`);
    if (known?.rollout.id === rollout.id)
      await repos.rollouts.replace(rollout, { ifMatch: known.etag, fence });
    else await repos.rollouts.create(rollout, { fence });
  }
}
