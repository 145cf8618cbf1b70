import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { ConflictError, InvalidKeyError } from './errors.js';
import { type FileLockOptions, withFileLock } from './file-lock.js';
import { walkKeys } from './fs-walk.js';
import type { RawObject, WriteCondition } from './raw-store.js';
import type { ListPage } from './state-store.js';
import { StateStoreBase } from './state-store-base.js';

export interface FsStateStoreOptions {
  /** Folder that holds the documents (created on first write), e.g. `.slipway/state`. */
  root: string;
  /**
   * fsync each document and its folder before a write returns, so a machine crash cannot leave an
   * empty or half-written file. Default true; tests may turn it off for speed.
   */
  durable?: boolean;
  /** Per-key lock tuning; see `FileLockOptions`. */
  lock?: FileLockOptions;
}

function etagOf(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function checkCondition(
  key: string,
  current: RawObject | undefined,
  condition: { ifMatch?: string; ifNoneMatch?: '*' },
) {
  if (condition.ifNoneMatch === '*' && current) throw new ConflictError(key, 'the document already exists');
  if (condition.ifMatch !== undefined) {
    if (!current) throw new ConflictError(key, 'the document no longer exists');
    if (current.etag !== condition.ifMatch) throw new ConflictError(key, 'the etag changed');
  }
}

/**
 * The local-mode state store: one pretty-printed JSON file per document under `root`, with the same
 * conditional semantics as S3, across processes. Each write or delete holds a per-key lock file
 * (`.<name>.lock` beside the document) while it reads the current etag (SHA-256 of the file),
 * compares it, and commits by renaming a fully written temp file over the document, so readers
 * never see a partial file and never need the lock.
 *
 * Like S3's MD5 ETags, etags are content hashes: writing back identical bytes gives the same etag.
 *
 * @example
 * const store = new FsStateStore({ root: '.slipway/state' });
 * await store.put('tenants/acme/tenant.json', tenant, { ifNoneMatch: '*' });
 */
export class FsStateStore extends StateStoreBase {
  readonly #root: string;
  readonly #durable: boolean;
  readonly #lock: FileLockOptions;

  constructor(options: FsStateStoreOptions) {
    super();
    this.#root = resolve(options.root);
    this.#durable = options.durable ?? true;
    this.#lock = options.lock ?? {};
  }

  protected async readRaw(key: string): Promise<RawObject | undefined> {
    try {
      const body = await readFile(this.#path(key));
      return { body, etag: etagOf(body) };
    } catch (error) {
      if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return undefined;
      throw error;
    }
  }

  protected async writeRaw(
    key: string,
    body: Uint8Array,
    condition: WriteCondition,
  ): Promise<{ etag: string }> {
    const file = this.#path(key);
    await mkdir(dirname(file), { recursive: true });
    return this.#locked(file, async (assertHeld) => {
      checkCondition(key, await this.readRaw(key), condition);
      const temp = join(dirname(file), `.${basename(file)}.${randomUUID()}.tmp`);
      try {
        await this.#writeTemp(temp, body);
        await assertHeld();
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      if (this.#durable) await this.#syncFolder(dirname(file));
      return { etag: etagOf(body) };
    });
  }

  protected async deleteRaw(key: string, condition: { ifMatch?: string }): Promise<void> {
    const file = this.#path(key);
    if (!(await this.#folderExists(dirname(file)))) {
      // No folder, no document: nothing to lock (the lock file would live in that folder).
      checkCondition(key, undefined, condition);
      return;
    }
    await this.#locked(file, async (assertHeld) => {
      const current = await this.readRaw(key);
      checkCondition(key, current, condition);
      if (!current) return;
      await assertHeld();
      await unlink(file);
      if (this.#durable) await this.#syncFolder(dirname(file));
    });
  }

  protected async listRaw(prefix: string, options: { cursor?: string; limit: number }): Promise<ListPage> {
    const items: ListPage['items'] = [];
    for await (const key of walkKeys(this.#root, prefix, options.cursor)) {
      if (items.length === options.limit) {
        // One more key exists: the page is full and the last key is where the next one starts.
        return { items, cursor: items[items.length - 1]!.key };
      }
      const raw = await this.readRaw(key);
      if (raw) items.push({ key, etag: raw.etag }); // deleted since the walk saw it: not listed
    }
    return { items };
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  #path(key: string): string {
    const path = join(this.#root, ...key.split('/'));
    // Key validation already rules this out; checked again because escaping the root would be bad.
    if (!path.startsWith(this.#root + sep)) throw new InvalidKeyError(key, 'the key leaves the store root');
    return path;
  }

  #locked<T>(file: string, fn: (assertHeld: () => Promise<void>) => Promise<T>): Promise<T> {
    return withFileLock(join(dirname(file), `.${basename(file)}.lock`), this.#lock, fn);
  }

  async #writeTemp(temp: string, body: Uint8Array): Promise<void> {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(body);
      if (this.#durable) await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async #syncFolder(folder: string): Promise<void> {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async #folderExists(folder: string): Promise<boolean> {
    try {
      return (await stat(folder)).isDirectory();
    } catch (error) {
      if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return false;
      throw error;
    }
  }
}
