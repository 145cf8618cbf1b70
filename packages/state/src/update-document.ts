import { jitteredBackoff } from './backoff.js';
import { ConflictError } from './errors.js';
import type { FenceToken, StateStore, StoredDocument } from './state-store.js';

/** Return this from an `updateDocument` callback to leave the document untouched. */
export const KEEP_DOCUMENT: unique symbol = Symbol('keep document');

export interface UpdateDocumentOptions {
  /** Fence token for leader-only writes. A `FencedError` is never retried. */
  fence?: FenceToken;
  /** Read-modify-write rounds before giving up with the last `ConflictError`. Default 10. */
  attempts?: number;
}

/**
 * Read-modify-write with optimistic concurrency: reads the document, calls `update` with it (or
 * undefined), writes the result conditionally (`ifMatch` its etag, or `ifNoneMatch: '*'` to create),
 * and on `ConflictError` starts over with a jittered backoff. `update` may run several times, so it
 * must be pure.
 *
 * @example
 * await updateDocument(store, 'tenants/acme/counters/builds.json', (doc) => ({ n: ((doc?.value as { n: number } | undefined)?.n ?? 0) + 1 }));
 */
export async function updateDocument(
  store: Pick<StateStore, 'get' | 'put'>,
  key: string,
  update: (current: StoredDocument | undefined) => unknown | typeof KEEP_DOCUMENT,
  options: UpdateDocumentOptions = {},
): Promise<StoredDocument | undefined> {
  const attempts = options.attempts ?? 10;
  let lastConflict: ConflictError | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await store.get(key);
    const next = update(current);
    if (next === KEEP_DOCUMENT) return current;
    try {
      const { etag } = await store.put(key, next, {
        ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' as const }),
        ...(options.fence ? { fence: options.fence } : {}),
      });
      return { value: next, etag };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      lastConflict = error;
      await jitteredBackoff(attempt);
    }
  }
  throw lastConflict ?? new ConflictError(key, 'no attempt was made (attempts must be at least 1)');
}
