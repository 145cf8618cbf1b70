/**
 * A leader's fencing token: `family` names what the lease guards (the lease name, e.g. `scheduler`),
 * `epoch` is the lease's epoch, which grows with every new leadership term.
 */
export interface FenceToken {
  family: string;
  epoch: number;
}

/** A stored JSON document and its etag (an opaque version, without quotes). */
export interface StoredDocument<T = unknown> {
  value: T;
  etag: string;
}

export interface PutOptions {
  /** Write only if the document exists with exactly this etag. */
  ifMatch?: string;
  /** `'*'`: write only if no document exists at the key (create). */
  ifNoneMatch?: '*';
  /** Leader-only write: refused with `FencedError` if a newer epoch of `fence.family` was seen. */
  fence?: FenceToken;
}

export interface DeleteOptions {
  /** Delete only if the document exists with exactly this etag. */
  ifMatch?: string;
  fence?: FenceToken;
}

export interface ListOptions {
  /** The `cursor` of the previous page. */
  cursor?: string;
  /** Page size, 1–1000 (default 1000). */
  limit?: number;
}

export interface ListedKey {
  key: string;
  etag: string;
}

export interface ListPage {
  /** Keys in ascending byte order. */
  items: ListedKey[];
  /** Present when more keys follow; pass it back as `cursor`. */
  cursor?: string;
}

/**
 * Durable desired state: JSON documents under '/'-separated keys (see `keys.ts` for the rules),
 * where every write can be made conditional on the current etag, so concurrent writers never lose
 * each other's updates. Implementations: `S3StateStore` (AWS mode) and `FsStateStore` (local mode);
 * both pass `describeStateStoreContract`.
 *
 * Errors: `ConflictError` when a precondition fails, `FencedError` when a fence token is stale,
 * `CorruptDocumentError` when a stored document is not JSON, `InvalidKeyError` for a bad key.
 */
export interface StateStore {
  /** The document at `key`, or undefined when there is none. */
  get(key: string): Promise<StoredDocument | undefined>;
  /** Writes `value` (anything `JSON.stringify` accepts) and returns the new etag. */
  put(key: string, value: unknown, options?: PutOptions): Promise<{ etag: string }>;
  /**
   * Removes the document. Without `ifMatch`, deleting a missing document is a no-op; with it,
   * a missing or changed document is a `ConflictError`.
   */
  delete(key: string, options?: DeleteOptions): Promise<void>;
  /** One page of the keys starting with `prefix` (a plain string prefix, as in S3). */
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
  /** Releases what the store opened (e.g. an S3 client it created). Idempotent. */
  close(): Promise<void>;
}
