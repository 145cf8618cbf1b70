import { randomBytes } from 'node:crypto';
import { ConflictError, type StateStore } from '@slipway/state';
import {
  AUDIT_USER_AGENT_MAX_LENGTH,
  type AuditEntry,
  type AuditEntryInput,
  auditEntryId,
  parseAuditEntry,
} from './audit-entry.js';
import { AuditWriteError, DuplicateAuditEntryError } from './audit-errors.js';
import { auditEntryKeys } from './audit-keys.js';
import type { AuditLog, AuditPage, AuditQuery } from './audit-log.js';
import { parseAuditQuery } from './audit-query.js';
import { queryAuditScope } from './query-audit-scope.js';

export interface StateAuditLogOptions {
  store: StateStore;
  /** Milliseconds since the epoch, for entries appended without `at`. Default `Date.now`. */
  clock?: () => number;
  /** 16 lowercase hex digits for the random part of ids. Default: 8 random bytes. Tests pass their own. */
  randomHex?: () => string;
  /** How many entry documents a query reads at once. Default 16. */
  readConcurrency?: number;
  /**
   * Keys per LIST request, 1–1000. Default 1000 (S3's maximum), so skipping keys that the filters
   * rule out costs as few requests as possible; tests lower it to cross store pages.
   */
  listPageSize?: number;
}

function positiveInteger(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new TypeError(`${name} must be an integer from 1 to ${max}, got ${value}`);
  }
  return value;
}

function randomHex(): string {
  return randomBytes(8).toString('hex');
}

/** Cuts an over-long user agent instead of refusing the entry: losing its tail loses nothing that matters. */
function clipSource(source: AuditEntryInput['source']): AuditEntryInput['source'] {
  const userAgent = source?.userAgent;
  return typeof userAgent === 'string' && userAgent.length > AUDIT_USER_AGENT_MAX_LENGTH
    ? { ...source, userAgent: userAgent.slice(0, AUDIT_USER_AGENT_MAX_LENGTH) }
    : source;
}

/**
 * The audit log on a StateStore (S3 in AWS mode, a folder in local mode). Each entry is written as
 * two documents, both created with `ifNoneMatch: '*'` so nothing is ever overwritten: one in its own
 * scope (`audit/<tenant>/…` or `audit/_platform/…`), which tenant queries list, and one in `_all`,
 * which admin queries list. Nothing here updates or deletes an entry.
 *
 * @example
 * const audit = new StateAuditLog({ store });
 * const entry = await audit.append({ tenant: 'acme', actor: { kind: 'user', id: 'u-42' },
 *   action: 'token.create', target: { type: 'token', id: 'tok-7' }, outcome: 'success', source: {} });
 * const page = await audit.query({ tenant: 'acme', since: Date.now() - 86_400_000 });
 */
export class StateAuditLog implements AuditLog {
  readonly #store: StateStore;
  readonly #clock: () => number;
  readonly #randomHex: () => string;
  readonly #readConcurrency: number;
  readonly #listPageSize: number;

  constructor(options: StateAuditLogOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? Date.now;
    this.#randomHex = options.randomHex ?? randomHex;
    this.#readConcurrency = positiveInteger('readConcurrency', options.readConcurrency ?? 16, 256);
    this.#listPageSize = positiveInteger('listPageSize', options.listPageSize ?? 1000, 1000);
  }

  /**
   * Validates and records one entry; `InvalidAuditEntryError` (nothing written) names every bad
   * field, including secret-looking or oversized `details`. Returns the entry as stored, with its id.
   */
  async append(input: AuditEntryInput): Promise<AuditEntry> {
    const at = input.at ?? this.#clock();
    const entry = parseAuditEntry({
      ...input,
      at,
      id: auditEntryId(at, this.#randomHex()),
      source: clipSource(input.source),
    });
    const keys = auditEntryKeys(entry);
    // Both copies at once: they are independent creates, and the caller is waiting on a mutation.
    const results = await Promise.allSettled(
      keys.map((key) => this.#store.put(key, entry, { ifNoneMatch: '*' })),
    );
    const failures = results.flatMap((result, index) =>
      result.status === 'rejected' ? [{ key: keys[index]!, error: result.reason as unknown }] : [],
    );
    if (failures.length === 0) return entry;
    const duplicate = failures.find((failure) => failure.error instanceof ConflictError);
    if (duplicate) throw new DuplicateAuditEntryError(entry.id, duplicate.key, { cause: duplicate.error });
    const written = keys.filter((key) => !failures.some((failure) => failure.key === key));
    throw new AuditWriteError(entry.id, written, failures);
  }

  /**
   * One page of entries matching every filter given, newest first. `InvalidAuditQueryError` for bad
   * filters or a cursor of another query. Authorization is the caller's: pass the caller's tenant
   * for tenant members, and leave `tenant` out only for admins.
   */
  async query(query: AuditQuery = {}): Promise<AuditPage> {
    return queryAuditScope({
      store: this.#store,
      query: parseAuditQuery(query),
      readConcurrency: this.#readConcurrency,
      listPageSize: this.#listPageSize,
    });
  }
}
