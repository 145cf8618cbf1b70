import { KEEP_DOCUMENT, listAll, Repository, type StateStore } from '@slipway/state';
import { tenantTokensPrefix, tokenKey, userTokensPrefix } from './identity-keys.js';
import type { TokenKind } from './token-format.js';
import { type StoredToken, storedTokenSchema, tokenIdSchema } from './token-record.js';

/** How many token records a listing reads at once. */
const READ_CONCURRENCY = 8;

/** The index folders a token is listed in. */
function indexPrefixes(record: StoredToken): string[] {
  const prefixes: string[] = [];
  if (record.kind === 'api') prefixes.push(userTokensPrefix(record.user));
  if (record.tenant !== undefined) prefixes.push(tenantTokensPrefix(record.tenant, record.kind));
  return prefixes;
}

/**
 * Token records at `tokens/<id>.json` plus the index entries that let a user's or a tenant's tokens
 * be listed without reading every record. Index entries are written before the record, so a crash
 * leaves at worst an entry without a record, which listings skip.
 */
export class TokenStore {
  readonly #store: StateStore;
  readonly #records: Repository<StoredToken>;

  constructor(store: StateStore) {
    this.#store = store;
    this.#records = new Repository({
      store,
      schema: storedTokenSchema,
      kind: 'token record',
      keyOf: (record) => tokenKey(record.id),
    });
  }

  /** Stores a new record; `ConflictError` if the id is taken (the caller draws another). */
  async create(record: StoredToken): Promise<void> {
    for (const prefix of indexPrefixes(record)) {
      await this.#store.put(
        `${prefix}${record.id}.json`,
        { id: record.id, kind: record.kind },
        { ifNoneMatch: '*' },
      );
    }
    await this.#records.create(record);
  }

  /** The record with this id, or undefined (also for a string that is no token id). */
  async get(id: string): Promise<StoredToken | undefined> {
    if (!tokenIdSchema.safeParse(id).success) return undefined;
    return (await this.#records.get(tokenKey(id)))?.value;
  }

  /**
   * Read-modify-write of the record `id` (see `Repository.update`): `change` returns the new record,
   * or undefined to write nothing. Returns the record as stored afterwards.
   */
  async update(
    id: string,
    change: (current: StoredToken | undefined) => StoredToken | undefined,
    options: { attempts?: number } = {},
  ): Promise<StoredToken | undefined> {
    if (!tokenIdSchema.safeParse(id).success) {
      change(undefined); // no such record can exist: let `change` react to "missing" as usual
      return undefined;
    }
    const stored = await this.#records.update(
      tokenKey(id),
      (current) => change(current) ?? KEEP_DOCUMENT,
      options,
    );
    return stored?.value;
  }

  /** The records listed under a user's API tokens. */
  listOfUser(userId: string): Promise<StoredToken[]> {
    return this.#listIndex(userTokensPrefix(userId));
  }

  /** The records of one kind scoped to a tenant. */
  listOfTenant(tenant: string, kind: TokenKind): Promise<StoredToken[]> {
    return this.#listIndex(tenantTokensPrefix(tenant, kind));
  }

  /** Every record listed under any index folder starting with `prefix` (e.g. all users' tokens). */
  listUnder(prefix: string): Promise<StoredToken[]> {
    return this.#listIndex(prefix);
  }

  async #listIndex(prefix: string): Promise<StoredToken[]> {
    const ids: string[] = [];
    for await (const { key } of listAll(this.#store, prefix)) {
      const id = key.slice(key.lastIndexOf('/') + 1, -'.json'.length);
      if (tokenIdSchema.safeParse(id).success) ids.push(id);
    }
    const found: (StoredToken | undefined)[] = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const index = next++;
        found[index] = await this.get(ids[index]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, ids.length) }, worker));
    return found
      .filter((record) => record !== undefined)
      .sort((a, b) =>
        a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1,
      );
  }
}
