import { formatAuditTime } from './audit-entry.js';
import { coveringPrefixes, smallestWithPrefix } from './covering-prefixes.js';

/**
 * Key layout (see README.md):
 *
 *   audit/<scope>/<day>/<entry>.json
 *   scope  = <tenant> | _platform (tenant null) | _all (a second copy of every entry, for admins)
 *   day    = <99999 − days since 1970, 5 digits>_<yyyy-mm-dd>              e.g. 79727_2025-06-18
 *   entry  = <9999999999999 − at, 13 digits>-<id's random part, each hex digit inverted>.<action>
 *
 * Every number is inverted so that the store's ascending listing returns the newest entry first, and
 * the whole key sorts exactly as the id does, descending. Tenant ids are DNS labels, so they never
 * collide with `_platform` or `_all`.
 */
export const AUDIT_FOLDER = 'audit';
export const PLATFORM_SCOPE = '_platform';
export const ALL_SCOPE = '_all';

const MS_PER_DAY = 86_400_000;
const DAY_DIGITS = 5;
const LAST_DAY = 99_999;
const LAST_MS = 9_999_999_999_999;
const ENTRY_PATH = /^(\d{5})_\d{4}-\d{2}-\d{2}\/(\d{13})-[0-9a-f]{16}\.([a-z0-9_.-]+)\.json$/;

/** The scope a query or entry lives in: a tenant's own, platform-level (`null`), or all (`undefined`). */
export function auditScope(tenant: string | null | undefined): string {
  if (tenant === undefined) return ALL_SCOPE;
  return tenant ?? PLATFORM_SCOPE;
}

/** `audit/<scope>/`: every key of one scope starts with it. */
export function auditScopePrefix(scope: string): string {
  return `${AUDIT_FOLDER}/${scope}/`;
}

function invertedDay(at: number): number {
  return LAST_DAY - Math.floor(at / MS_PER_DAY);
}

function dayFolder(at: number): string {
  const inverted = String(invertedDay(at)).padStart(DAY_DIGITS, '0');
  return `${inverted}_${new Date(at).toISOString().slice(0, 10)}`;
}

function invertHex(hex: string): string {
  return [...hex].map((digit) => (15 - Number.parseInt(digit, 16)).toString(16)).join('');
}

/**
 * Where an entry is stored: its scope's key (tenant or `_platform`) and its `_all` copy. The entry
 * must already be valid (`parseAuditEntry`).
 */
export function auditEntryKeys(entry: {
  id: string;
  at: number;
  tenant: string | null;
  action: string;
}): [scopeKey: string, allKey: string] {
  const random = entry.id.slice(entry.id.indexOf('-') + 1);
  const path = `${dayFolder(entry.at)}/${formatAuditTime(LAST_MS - entry.at)}-${invertHex(random)}.${entry.action}.json`;
  return [`${auditScopePrefix(auditScope(entry.tenant))}${path}`, `${auditScopePrefix(ALL_SCOPE)}${path}`];
}

/** What a key says about its entry without reading it. */
export interface AuditKeyFacts {
  at: number;
  action: string;
}

/** The time and action of the entry at `key` (under `scopePrefix`), or undefined for a foreign key. */
export function parseAuditKey(key: string, scopePrefix: string): AuditKeyFacts | undefined {
  if (!key.startsWith(scopePrefix)) return undefined;
  const match = ENTRY_PATH.exec(key.slice(scopePrefix.length));
  if (!match) return undefined;
  return { at: LAST_MS - Number(match[2]), action: match[3]! };
}

/**
 * The day-folder prefixes (below the scope prefix) to list, in order, for entries at or before
 * `until`: the folders of `until`'s day and every older one, without listing the newer days.
 */
export function dayPrefixesUntil(until: number | undefined): string[] {
  return until === undefined ? [''] : coveringPrefixes(invertedDay(until), LAST_DAY, DAY_DIGITS);
}

/** True when every day under `dayPrefix` is older than the day of `since`, so listing can stop. */
export function dayPrefixIsBefore(dayPrefix: string, since: number): boolean {
  return dayPrefix !== '' && smallestWithPrefix(dayPrefix, DAY_DIGITS) > invertedDay(since);
}
