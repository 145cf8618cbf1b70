import { jitteredBackoff } from './backoff.js';
import { decodeDocument, encodeDocument } from './document-codec.js';
import { ConflictError, CorruptDocumentError, FencedError } from './errors.js';
import { fenceKey } from './keys.js';
import type { RawStore } from './raw-store.js';
import type { FenceToken } from './state-store.js';

/** How often the fence record may change under us before we give up (each change means progress). */
const MAX_ATTEMPTS = 20;

/** The stored fence record of a family: the newest epoch any writer of that family has presented. */
interface FenceRecord {
  family: string;
  epoch: number;
}

function assertToken(token: FenceToken): void {
  if (!Number.isSafeInteger(token.epoch) || token.epoch < 0) {
    throw new TypeError(`Fence token epoch must be a non-negative integer, got ${String(token.epoch)}`);
  }
}

function parseRecord(key: string, body: Uint8Array): FenceRecord {
  const value = decodeDocument(key, body) as Partial<FenceRecord> | null;
  if (typeof value !== 'object' || value === null || !Number.isSafeInteger(value.epoch)) {
    throw new CorruptDocumentError(key, 'a fence record needs an integer "epoch"');
  }
  return value as FenceRecord;
}

/**
 * Admits a leader-only write carrying `token`, before the write itself is made:
 * - record epoch newer than the token → `FencedError` (the caller was deposed; nothing is written);
 * - same epoch → admitted, nothing to update (the common case: one GET per fenced write);
 * - no record or an older epoch → the record is advanced to the token's epoch with a conditional write
 *   (If-None-Match / If-Match, retried on conflict), then admitted.
 *
 * Order matters: the fence is advanced FIRST and the data written second. A new leader's first fenced
 * write therefore raises the record before it touches any document, and from then on every write of
 * the old leader is refused here.
 *
 * The remaining race: check and write are two requests, not one transaction. An old leader whose
 * check passed (its epoch was still the newest) and that then stalls (GC pause, slow network) can
 * land its write after the new leader advanced the fence. Three things close most of that window:
 * 1. the old leader stops on its own: the lease elector aborts the leader's AbortSignal as soon as a
 *    renewal fails or the lease's expiry (minus a safety margin) passes, and leader loops check the
 *    signal before each write, so a leader that merely lost the lease never starts another write;
 * 2. leader writes are also conditional on etags (read-modify-write with `ifMatch`), so a stale write
 *    to a document the new leader has already changed fails with `ConflictError`;
 * 3. the stall must outlast the lease TTL, which is seconds, for the late write to happen at all.
 * What is left is a write computed from state that was current when it was read, landing late on a
 * document the new leader has not touched yet; level-triggered loops of the new leader correct it.
 */
export async function admitFence(
  raw: Pick<RawStore, 'readRaw' | 'writeRaw'>,
  token: FenceToken,
): Promise<void> {
  assertToken(token);
  const key = fenceKey(token.family);
  let lastConflict: ConflictError | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await raw.readRaw(key);
    if (current) {
      const recorded = parseRecord(key, current.body).epoch;
      if (recorded > token.epoch) throw new FencedError(token.family, token.epoch, recorded);
      if (recorded === token.epoch) return;
    }
    const record: FenceRecord = { family: token.family, epoch: token.epoch };
    try {
      await raw.writeRaw(
        key,
        encodeDocument(key, record),
        current ? { ifMatch: current.etag } : { ifNoneMatch: '*' },
      );
      return;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Someone else moved the record: re-read and decide again (newer → fenced, same → admitted).
      lastConflict = error;
      await jitteredBackoff(attempt);
    }
  }
  throw new ConflictError(key, `the fence record changed on each of ${MAX_ATTEMPTS} attempts`, {
    cause: lastConflict,
  });
}
