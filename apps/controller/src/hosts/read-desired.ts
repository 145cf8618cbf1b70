import type { ApiServices } from '../api/services.js';
import type { DesiredAllocations } from './desired-allocations.js';
import { desiredKey } from './desired-allocations.js';
import { readDesiredEtag } from './desired-etag.js';

/** The etag of a host that has no desired document yet (nothing written for it). */
export const NO_DESIRED_ETAG = 'none';

/** The host's desired allocations and their etag; an empty list (etag `none`) before the first write. */
export async function readDesired(
  services: ApiServices,
  tenant: string,
  host: string,
): Promise<{ document: DesiredAllocations; etag: string }> {
  const stored = await services.hosts.desired.get(desiredKey(tenant, host));
  return stored
    ? { document: stored.value, etag: stored.etag }
    : { document: { tenant, host, allocations: [] }, etag: NO_DESIRED_ETAG };
}

export interface LongPollInput {
  tenant: string;
  host: string;
  /** The etags the agent already has (`If-None-Match`). */
  known: readonly string[];
  waitMs: number;
  /** Aborts when the agent goes away. */
  signal: AbortSignal;
}

/**
 * The document if its etag is not one the agent has, else undefined. The etag recorded in Redis
 * answers "unchanged" without a store read; a missing one (or Redis failing) means read the store.
 */
async function changedDesired(
  services: ApiServices,
  input: LongPollInput,
  unchanged: (etag: string) => boolean,
): Promise<{ document: DesiredAllocations; etag: string } | undefined> {
  const { redis, prefix } = services.hosts;
  const recorded = redis && (await readDesiredEtag(redis, prefix, input.tenant, input.host));
  if (recorded !== undefined && unchanged(recorded)) return undefined;
  const current = await readDesired(services, input.tenant, input.host);
  return unchanged(current.etag) ? undefined : current;
}

/**
 * Answers a desired-state poll: the document at once when its etag is not one the agent has,
 * else waits (up to `waitMs`) for a change published through Redis, looking again on each
 * wake-up. `undefined` means nothing changed (304). Looking costs a Redis GET; the state store
 * is read only when the recorded etag differs from the agent's or is missing (see `desired-etag.ts`).
 */
export async function longPollDesired(
  services: ApiServices,
  input: LongPollInput,
): Promise<{ document: DesiredAllocations; etag: string } | undefined> {
  const { watcher } = services.hosts;
  const deadline = Date.now() + input.waitMs;
  const unchanged = (etag: string) => input.known.includes(etag) || input.known.includes('*');
  if (watcher && input.waitMs > 0) await watcher.start();
  for (;;) {
    const remaining = deadline - Date.now();
    if (!watcher || remaining <= 0) return changedDesired(services, input, unchanged);
    // Registered before the read, so a write between the read and the wait still wakes us.
    const stop = new AbortController();
    const wake = watcher.waitFor({
      tenant: input.tenant,
      host: input.host,
      timeoutMs: remaining,
      signal: AbortSignal.any([input.signal, stop.signal]),
    });
    try {
      const current = await changedDesired(services, input, unchanged);
      if (current) return current;
      if ((await wake) !== 'changed') return undefined;
    } finally {
      stop.abort(); // ends the waiter if the read failed or answered first
    }
  }
}
