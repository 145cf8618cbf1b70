import type { z } from 'zod';
import { CorruptDocumentError, InvalidDocumentError, NotFoundError } from './errors.js';
import { isValidKey } from './keys.js';
import { listAll } from './list-all.js';
import type { FenceToken, StateStore, StoredDocument } from './state-store.js';
import { KEEP_DOCUMENT, updateDocument } from './update-document.js';

export interface RepositoryOptions<T> {
  store: StateStore;
  /** Validates every document read (corrupt → `CorruptDocumentError`) and written (→ `InvalidDocumentError`). */
  schema: z.ZodType<T>;
  /** Where a document lives, from its own ids. A stored document must sit at its own key. */
  keyOf: (document: T) => string;
  /** What the documents are, for messages: `service`, `host`… */
  kind: string;
  /** Which listed keys hold this kind of document; `scan` skips the others. Default: every key. */
  ownsKey?: (key: string) => boolean;
  /** Documents are never changed once created (releases): `replace` and `update` refuse. */
  immutable?: boolean;
}

/** A valid document with its key. */
export type KeyedDocument<T> = StoredDocument<T> & { key: string };

/** What `scan` found: the valid documents in key order, and every corrupt one (never thrown). */
export interface ScanResult<T> {
  documents: KeyedDocument<T>[];
  corrupt: CorruptDocumentError[];
}

/**
 * What `scan` read before, by key and etag, so the next scan of the same keys GETs only those whose
 * listed etag changed (a LIST costs one request per 1,000 keys, a GET one per document). Owned by one
 * reader — a loop keeps one for as long as it runs — and used with one repository. Documents handed
 * out from it are shared between scans: treat them as read-only.
 */
export class ScanCache<T> {
  readonly #entries = new Map<string, { etag: string; found: KeyedDocument<T> | CorruptDocumentError }>();

  /** Documents (valid or corrupt) held. */
  get size(): number {
    return this.#entries.size;
  }

  /** @internal What was read at `key` when its etag was `etag`. */
  lookup(key: string, etag: string): KeyedDocument<T> | CorruptDocumentError | undefined {
    const entry = this.#entries.get(key);
    return entry?.etag === etag ? entry.found : undefined;
  }

  /** @internal */
  remember(key: string, etag: string, found: KeyedDocument<T> | CorruptDocumentError): void {
    this.#entries.set(key, { etag, found });
  }

  /** @internal Forgets the keys under `prefix` that are not in `listed` (deleted since). */
  prune(prefix: string, listed: ReadonlySet<string>): void {
    for (const key of this.#entries.keys())
      if (key.startsWith(prefix) && !listed.has(key)) this.#entries.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }
}

/** How many documents `scan` reads at once. */
const SCAN_CONCURRENCY = 8;

function issuesOf(error: z.ZodError) {
  return error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
}

/**
 * Typed, validated access to one kind of document. Every write is conditional (create with
 * `ifNoneMatch`, replace with `ifMatch`, update as a read-modify-write loop), as DESIGN.md §4 rule 3
 * asks; leader-only writers pass their fence token.
 *
 * @example
 * const services = new Repository({ store, schema: serviceSchema, kind: 'service', keyOf: serviceKey });
 * const { documents, corrupt } = await services.scan(servicesPrefix('acme'));
 */
export class Repository<T> {
  readonly kind: string;
  readonly #store: StateStore;
  readonly #schema: z.ZodType<T>;
  readonly #keyOf: (document: T) => string;
  readonly #ownsKey: (key: string) => boolean;
  readonly #immutable: boolean;

  constructor(options: RepositoryOptions<T>) {
    this.kind = options.kind;
    this.#store = options.store;
    this.#schema = options.schema;
    this.#keyOf = options.keyOf;
    this.#ownsKey = options.ownsKey ?? (() => true);
    this.#immutable = options.immutable ?? false;
  }

  /** The key `document` is stored under. */
  keyOf(document: T): string {
    return this.#keyOf(document);
  }

  /** The document at `key`, or undefined; `CorruptDocumentError` if it is not a valid document of this kind. */
  async get(key: string): Promise<StoredDocument<T> | undefined> {
    const stored = await this.#store.get(key);
    return stored && { value: this.#decode(key, stored.value), etag: stored.etag };
  }

  /** Like `get`, but a missing document is a `NotFoundError`. */
  async require(key: string): Promise<StoredDocument<T>> {
    const stored = await this.get(key);
    if (!stored) throw new NotFoundError(key);
    return stored;
  }

  /** Stores a new document; `ConflictError` if one already exists at its key. */
  async create(document: T, options: { fence?: FenceToken } = {}): Promise<KeyedDocument<T>> {
    const { key, value } = this.#encode(document);
    const { etag } = await this.#store.put(key, value, { ifNoneMatch: '*', ...fenced(options.fence) });
    return { key, value, etag };
  }

  /** Replaces the document read with etag `ifMatch`; `ConflictError` if it changed since. */
  async replace(document: T, options: { ifMatch: string; fence?: FenceToken }): Promise<KeyedDocument<T>> {
    this.#assertMutable('replace');
    const { key, value } = this.#encode(document);
    const { etag } = await this.#store.put(key, value, {
      ifMatch: options.ifMatch,
      ...fenced(options.fence),
    });
    return { key, value, etag };
  }

  /**
   * Read-modify-write of the document at `key`, retried on conflicts: `change` gets the current
   * document (or undefined) and returns the new one, or `KEEP_DOCUMENT` to write nothing. It may run
   * several times, so it must be pure. A corrupt current document stops the update.
   */
  async update(
    key: string,
    change: (current: T | undefined) => T | typeof KEEP_DOCUMENT,
    options: { fence?: FenceToken; attempts?: number } = {},
  ): Promise<StoredDocument<T> | undefined> {
    this.#assertMutable('update');
    const written = await updateDocument(
      this.#store,
      key,
      (current) => {
        const next = change(current && this.#decode(key, current.value));
        if (next === KEEP_DOCUMENT) return KEEP_DOCUMENT;
        const encoded = this.#encode(next);
        if (encoded.key !== key) {
          throw new TypeError(
            `The update of "${key}" returned a ${this.kind} that belongs at "${encoded.key}"`,
          );
        }
        return encoded.value;
      },
      options,
    );
    return written && { value: this.#decode(key, written.value), etag: written.etag };
  }

  /** Deletes the document (only if its etag is still `ifMatch`, when given). */
  async delete(key: string, options: { ifMatch?: string; fence?: FenceToken } = {}): Promise<void> {
    await this.#store.delete(key, options);
  }

  /**
   * Reads every document of this kind under `prefix`. A loop calls it each round: valid documents
   * come back in key order and corrupt ones are reported beside them, so one bad document cannot stop
   * the whole loop. Other errors (the store unreachable) are thrown. With `cache`, a document whose
   * listed etag is the one read last time is not read again (the LIST is always made: it is the truth).
   */
  async scan(prefix: string, options: { cache?: ScanCache<T> } = {}): Promise<ScanResult<T>> {
    const { cache } = options;
    const listed: { key: string; etag: string }[] = [];
    const corrupt: CorruptDocumentError[] = [];
    for await (const { key, etag } of listAll(this.#store, prefix)) {
      if (!isValidKey(key)) corrupt.push(new CorruptDocumentError(key, 'the key breaks the key rules'));
      else if (this.#ownsKey(key)) listed.push({ key, etag });
    }
    cache?.prune(prefix, new Set(listed.map(({ key }) => key)));
    const found: (KeyedDocument<T> | undefined)[] = new Array(listed.length);
    const toRead: number[] = [];
    listed.forEach(({ key, etag }, index) => {
      const known = cache?.lookup(key, etag);
      if (known === undefined) toRead.push(index);
      else if (known instanceof CorruptDocumentError) corrupt.push(known);
      else found[index] = known;
    });
    let next = 0;
    const worker = async () => {
      while (next < toRead.length) {
        const index = toRead[next++]!;
        const key = listed[index]!.key;
        try {
          const stored = await this.get(key);
          if (!stored) continue; // deleted since listed: simply gone
          found[index] = { key, ...stored };
          cache?.remember(key, stored.etag, found[index]);
        } catch (error) {
          if (!(error instanceof CorruptDocumentError)) throw error;
          corrupt.push(error);
          // Remembered under the listed etag: re-read as soon as someone rewrites it.
          cache?.remember(key, listed[index]!.etag, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, toRead.length) }, worker));
    corrupt.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { documents: found.filter((document) => document !== undefined), corrupt };
  }

  #decode(key: string, value: unknown): T {
    const parsed = this.#schema.safeParse(value);
    if (!parsed.success) {
      throw new CorruptDocumentError(key, `not a valid ${this.kind}`, { issues: issuesOf(parsed.error) });
    }
    let home: string;
    try {
      home = this.#keyOf(parsed.data);
    } catch (error) {
      throw new CorruptDocumentError(key, `its ids do not form a key (${String(error)})`, { cause: error });
    }
    // A document whose ids point elsewhere (another tenant!) is never trusted.
    if (home !== key) throw new CorruptDocumentError(key, `its ids say it belongs at "${home}"`);
    return parsed.data;
  }

  #encode(document: T): { key: string; value: T } {
    const parsed = this.#schema.safeParse(document);
    if (!parsed.success) throw new InvalidDocumentError(this.kind, issuesOf(parsed.error));
    return { key: this.#keyOf(parsed.data), value: parsed.data };
  }

  #assertMutable(operation: string): void {
    if (this.#immutable) {
      throw new TypeError(
        `A ${this.kind} is immutable: ${operation} is not allowed; create a new one instead`,
      );
    }
  }
}

function fenced(fence: FenceToken | undefined): { fence?: FenceToken } {
  return fence ? { fence } : {};
}
