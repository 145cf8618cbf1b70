import { decodeDocument, encodeDocument } from './document-codec.js';
import { normaliseEtag } from './etag.js';
import { admitFence } from './fence-keeper.js';
import { assertKey, assertPrefix, assertWritableKey } from './keys.js';
import type { RawObject, RawStore, WriteCondition } from './raw-store.js';
import type {
  DeleteOptions,
  ListOptions,
  ListPage,
  PutOptions,
  StateStore,
  StoredDocument,
} from './state-store.js';

/** Largest page `list` returns (S3's own maximum). */
export const MAX_LIST_LIMIT = 1000;

function writeCondition(options: PutOptions): WriteCondition {
  if (options.ifMatch !== undefined && options.ifNoneMatch !== undefined) {
    throw new TypeError('Pass either ifMatch (update) or ifNoneMatch (create), not both');
  }
  if (options.ifNoneMatch !== undefined && options.ifNoneMatch !== '*') {
    throw new TypeError(`ifNoneMatch accepts only '*', got ${JSON.stringify(options.ifNoneMatch)}`);
  }
  return {
    ...(options.ifMatch !== undefined ? { ifMatch: requireEtag(options.ifMatch) } : {}),
    ...(options.ifNoneMatch ? { ifNoneMatch: '*' as const } : {}),
  };
}

function requireEtag(etag: string): string {
  const bare = typeof etag === 'string' ? normaliseEtag(etag) : '';
  if (bare === '') throw new TypeError('ifMatch needs the etag of a previous get, put or list');
  return bare;
}

function listLimit(limit: number | undefined): number {
  if (limit === undefined) return MAX_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new TypeError(`list limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${limit}`);
  }
  return limit;
}

/**
 * Everything the stores share, implemented once: key validation, JSON encoding, option checks and
 * fencing (`admitFence` runs before any fenced write or delete). A backend supplies only conditional
 * byte-level operations and listing.
 */
export abstract class StateStoreBase implements StateStore {
  /** The object at `key` (already validated), or undefined. */
  protected abstract readRaw(key: string): Promise<RawObject | undefined>;
  /** Writes under `condition`; a failed precondition (or `ifMatch` on a missing key) is `ConflictError`. */
  protected abstract writeRaw(
    key: string,
    body: Uint8Array,
    condition: WriteCondition,
  ): Promise<{ etag: string }>;
  /** Deletes under `condition`; with `ifMatch`, a missing or changed object is `ConflictError`. */
  protected abstract deleteRaw(key: string, condition: { ifMatch?: string }): Promise<void>;
  /** A page of keys after `cursor` (exclusive); `limit` is already validated. */
  protected abstract listRaw(prefix: string, options: { cursor?: string; limit: number }): Promise<ListPage>;
  abstract close(): Promise<void>;

  /** Unfenced, unvalidated access for the fence keeper only; never handed to callers. */
  readonly #fenceAccess: Pick<RawStore, 'readRaw' | 'writeRaw'> = {
    readRaw: (key) => this.readRaw(key),
    writeRaw: (key, body, condition) => this.writeRaw(key, body, condition),
  };

  async get(key: string): Promise<StoredDocument | undefined> {
    assertKey(key);
    const raw = await this.readRaw(key);
    return raw && { value: decodeDocument(key, raw.body), etag: raw.etag };
  }

  async put(key: string, value: unknown, options: PutOptions = {}): Promise<{ etag: string }> {
    assertWritableKey(key);
    const condition = writeCondition(options);
    const body = encodeDocument(key, value);
    if (options.fence) await admitFence(this.#fenceAccess, options.fence);
    return this.writeRaw(key, body, condition);
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    assertWritableKey(key);
    const ifMatch = options.ifMatch === undefined ? undefined : requireEtag(options.ifMatch);
    if (options.fence) await admitFence(this.#fenceAccess, options.fence);
    await this.deleteRaw(key, ifMatch === undefined ? {} : { ifMatch });
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    assertPrefix(prefix);
    const limit = listLimit(options.limit);
    return this.listRaw(prefix, {
      limit,
      ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
    });
  }
}
