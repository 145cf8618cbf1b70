import type { AuditEntry, AuditEntryInput } from './audit-entry.js';

/** Largest `limit` a query accepts. */
export const AUDIT_QUERY_MAX_LIMIT = 500;
/** `limit` when a query gives none. */
export const AUDIT_QUERY_DEFAULT_LIMIT = 100;

/** Filters of one audit query; every filter given must match. */
export interface AuditQuery {
  /**
   * Whose entries: a tenant id (that tenant's only), `null` (platform-level entries only), or
   * `undefined` (every entry: admins only — the caller authorizes, this package does not).
   */
  tenant?: string | null;
  /** Only entries by this actor id (`actor.id`, exact). */
  actor?: string;
  /** Only this action (`member.add`), or every action under a prefix ending in "." (`member.`). */
  action?: string;
  /** Only entries at or after this time (ms). */
  since?: number;
  /** Only entries at or before this time (ms). */
  until?: number;
  /** The `cursor` of the previous page; pass the same filters with it. */
  cursor?: string;
  /** Page size, 1–500 (default 100). */
  limit?: number;
}

/** One page of entries, newest first (by id, descending). */
export interface AuditPage {
  items: AuditEntry[];
  /** Present when more entries may follow; pass it back as `cursor`. */
  cursor?: string;
}

/**
 * The audit log: every mutating API call, login, token and policy change — who, in which tenant,
 * what, when, from where, and how it ended. Append-only: there is no way to change or remove an
 * entry through this interface.
 *
 * @example
 * await audit.append({
 *   tenant: 'acme', actor: { kind: 'user', id: 'u-42', tokenId: 'tok-7' }, action: 'member.add',
 *   target: { type: 'member', id: 'u-43' }, outcome: 'success', status: 201,
 *   source: { ip: '203.0.113.9', requestId: 'req-1' }, details: { role: 'developer' },
 * });
 * const { items, cursor } = await audit.query({ tenant: 'acme', action: 'member.', limit: 50 });
 */
export interface AuditLog {
  /** Records one entry (given an id, and `at` if missing) and returns it as stored. */
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** A page of matching entries, newest first. */
  query(query?: AuditQuery): Promise<AuditPage>;
}
