import { CorruptDocumentError, type StateStore } from '@slipway/state';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor.js';
import { type AuditEntry, auditEntrySchema } from './audit-entry.js';
import {
  ALL_SCOPE,
  auditScope,
  auditScopePrefix,
  dayPrefixesUntil,
  dayPrefixIsBefore,
  parseAuditKey,
} from './audit-keys.js';
import type { AuditPage } from './audit-log.js';
import { actionMatches, type ParsedAuditQuery } from './audit-query.js';

export interface QueryAuditScopeOptions {
  store: StateStore;
  query: ParsedAuditQuery;
  /** How many entry documents are read at once. */
  readConcurrency: number;
  /** Keys per LIST request. */
  listPageSize: number;
}

/**
 * One page of a query: lists the scope's day folders newest first (starting at `until`'s day),
 * filters on what the keys say (time, action), reads the remaining documents in order (a few at a
 * time) to filter on the actor, and stops at `limit` entries or at the first key older than `since`.
 */
export async function queryAuditScope(options: QueryAuditScopeOptions): Promise<AuditPage> {
  const { store, query, readConcurrency, listPageSize } = options;
  const scopePrefix = auditScopePrefix(auditScope(query.tenant));
  const prefixes = dayPrefixesUntil(query.until).map((dayPrefix) => scopePrefix + dayPrefix);
  const start = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor, prefixes);
  const items: AuditEntry[] = [];

  for (let index = start?.index ?? 0; index < prefixes.length; index++) {
    const prefix = prefixes[index]!;
    if (query.since !== undefined && dayPrefixIsBefore(prefix.slice(scopePrefix.length), query.since)) break;
    const resuming = start !== undefined && index === start.index;
    let storeCursor = resuming ? start.storeCursor : undefined;
    let after = resuming ? start.after : undefined;
    do {
      const page = await store.list(prefix, {
        limit: listPageSize,
        ...(storeCursor !== undefined ? { cursor: storeCursor } : {}),
      });
      const candidates: string[] = [];
      let reachedSince = false;
      for (const { key } of page.items) {
        if (after !== undefined && key <= after) continue;
        const facts = parseAuditKey(key, scopePrefix);
        if (facts === undefined) continue; // not an entry document (e.g. an operator's note): never ours to return
        if (query.until !== undefined && facts.at > query.until) continue;
        if (query.since !== undefined && facts.at < query.since) {
          reachedSince = true; // keys run newest first: every later key is older still
          break;
        }
        if (actionMatches(facts.action, query.action)) candidates.push(key);
      }

      for (let next = 0; next < candidates.length; ) {
        const batchSize =
          query.actor === undefined ? Math.min(query.limit - items.length, readConcurrency) : readConcurrency;
        const batch = candidates.slice(next, next + batchSize);
        const entries = await Promise.all(batch.map((key) => readEntry(store, key, query.tenant)));
        for (const [position, entry] of entries.entries()) {
          if (entry === undefined || (query.actor !== undefined && entry.actor.id !== query.actor)) continue;
          items.push(entry);
          if (items.length < query.limit) continue;
          const key = batch[position]!;
          // More may follow unless this was the last candidate and nothing is left to list.
          const more =
            next + position < candidates.length - 1 ||
            (!reachedSince &&
              (key !== page.items.at(-1)?.key || page.cursor !== undefined || index < prefixes.length - 1));
          if (!more) return { items };
          const cursor = { prefix, after: key, ...(storeCursor !== undefined ? { storeCursor } : {}) };
          return { items, cursor: encodeAuditCursor(cursor) };
        }
        next += batch.length;
      }
      if (reachedSince) return { items };
      storeCursor = page.cursor;
      after = undefined;
    } while (storeCursor !== undefined);
  }
  return { items };
}

/**
 * The entry at `key`, or undefined if it vanished since the listing (an operator's retention
 * clean-up). A document that is not a valid entry of this scope is a `CorruptDocumentError`: it is
 * never returned, least of all to another tenant.
 */
async function readEntry(
  store: StateStore,
  key: string,
  tenant: string | null | undefined,
): Promise<AuditEntry | undefined> {
  const stored = await store.get(key);
  if (stored === undefined) return undefined;
  const parsed = auditEntrySchema.safeParse(stored.value);
  if (!parsed.success) {
    throw new CorruptDocumentError(key, 'not a valid audit entry', {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
    });
  }
  const scope = auditScope(tenant);
  if (scope !== ALL_SCOPE && auditScope(parsed.data.tenant) !== scope) {
    throw new CorruptDocumentError(
      key,
      `it records tenant ${JSON.stringify(parsed.data.tenant)} but sits in the "${scope}" audit folder`,
    );
  }
  return parsed.data;
}
