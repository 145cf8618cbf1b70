import { z } from 'zod';
import { InvalidAuditQueryError } from './audit-errors.js';

/**
 * Where a query stopped: the prefix it was listing, the store cursor of the page it was reading,
 * and the last key it returned (the page is read again and keys up to `after` are skipped, because
 * a page can end in the middle of a store page).
 */
export interface AuditCursor {
  prefix: string;
  storeCursor?: string;
  after: string;
}

const cursorSchema = z.strictObject({
  v: z.literal(1),
  p: z.string(),
  c: z.string().optional(),
  a: z.string(),
});

/** The opaque form handed to callers (base64url JSON). */
export function encodeAuditCursor(cursor: AuditCursor): string {
  const body = {
    v: 1,
    p: cursor.prefix,
    ...(cursor.storeCursor !== undefined ? { c: cursor.storeCursor } : {}),
    a: cursor.after,
  };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function invalid(): InvalidAuditQueryError {
  return new InvalidAuditQueryError([
    {
      path: ['cursor'],
      message: 'not a cursor of this query; pass back the cursor of the previous page with the same filters',
    },
  ]);
}

/**
 * Reads a cursor and checks that it belongs to a query that lists `prefixes` (so a cursor can never
 * move a query into another scope). Throws `InvalidAuditQueryError` otherwise.
 */
export function decodeAuditCursor(
  text: string,
  prefixes: readonly string[],
): AuditCursor & { index: number } {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    // Any undecodable text is simply not one of our cursors; the caller gets the reason below.
    throw invalid();
  }
  const parsed = cursorSchema.safeParse(raw);
  if (!parsed.success) throw invalid();
  const { p: prefix, c: storeCursor, a: after } = parsed.data;
  const index = prefixes.indexOf(prefix);
  if (index === -1 || !after.startsWith(prefix)) throw invalid();
  return { prefix, after, index, ...(storeCursor !== undefined ? { storeCursor } : {}) };
}
