import { setTimeout as sleep } from 'node:timers/promises';
import { listAll } from './list-all.js';
import type { StateStore } from './state-store.js';

/** A document that appeared or changed (`upsert`, with its new etag) or disappeared (`delete`). */
export type StateChange = { kind: 'upsert'; key: string; etag: string } | { kind: 'delete'; key: string };

export interface WatchChangesOptions {
  /** Stops the watch; the iterator then ends normally. */
  signal: AbortSignal;
  /** Time between two listings (ms). Default 30 s: this is the resync fallback, not the fast path. */
  intervalMs?: number;
  /** Report every existing key as an `upsert` on the first listing (default true), so a loop starts full. */
  emitInitial?: boolean;
}

/** Keys → etags of everything under `prefix`. */
export async function snapshotEtags(
  store: Pick<StateStore, 'list'>,
  prefix: string,
): Promise<Map<string, string>> {
  const etags = new Map<string, string>();
  for await (const { key, etag } of listAll(store, prefix)) etags.set(key, etag);
  return etags;
}

/** The changes that turn listing `before` into listing `after`, in key order. */
export function diffEtags(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): StateChange[] {
  const changes: StateChange[] = [];
  for (const [key, etag] of after) if (before.get(key) !== etag) changes.push({ kind: 'upsert', key, etag });
  for (const key of before.keys()) if (!after.has(key)) changes.push({ kind: 'delete', key });
  return changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Polls the keys under `prefix` and yields each non-empty batch of changes. It costs one LIST request
 * per 1,000 keys per interval and reads no document, so it is the cheap resync for loops; in AWS mode
 * replicas hear of changes first through Redis pub/sub (DESIGN.md §4 rule 8). Listing errors are
 * thrown to the consumer, which decides whether to retry.
 *
 * @example
 * for await (const changes of watchChanges(store, 'tenants/', { signal, intervalMs: 30_000 })) {
 *   for (const change of changes) queue.add(change.key);
 * }
 */
export async function* watchChanges(
  store: Pick<StateStore, 'list'>,
  prefix: string,
  options: WatchChangesOptions,
): AsyncGenerator<StateChange[]> {
  const { signal, intervalMs = 30_000, emitInitial = true } = options;
  let known: Map<string, string> | undefined;
  while (!signal.aborted) {
    const current = await snapshotEtags(store, prefix);
    const changes = diffEtags(known ?? new Map(), current);
    if (changes.length > 0 && (known !== undefined || emitInitial)) yield changes;
    known = current;
    try {
      await sleep(intervalMs, undefined, { signal });
    } catch (error) {
      if (signal.aborted) return; // the consumer asked us to stop: a normal end, not a failure
      throw error;
    }
  }
}
