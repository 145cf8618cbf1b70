/** A stored object as the backends see it: bytes and a bare etag. */
export interface RawObject {
  body: Uint8Array;
  etag: string;
}

/** The precondition of a backend write; at most one of the two is set. */
export interface WriteCondition {
  ifMatch?: string;
  ifNoneMatch?: '*';
}

/**
 * Conditional byte-level access to a backend, below key validation, JSON and fencing. Backends map a
 * failed precondition (including `ifMatch` on a missing object) to `ConflictError`.
 */
export interface RawStore {
  readRaw(key: string): Promise<RawObject | undefined>;
  writeRaw(key: string, body: Uint8Array, condition: WriteCondition): Promise<{ etag: string }>;
  deleteRaw(key: string, condition: { ifMatch?: string }): Promise<void>;
}
