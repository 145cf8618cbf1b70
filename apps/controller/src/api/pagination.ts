import { z } from 'zod';
import { ApiError } from './errors.js';

export const pageQuerySchema = z.object({
  cursor: z.string().max(2048).optional().describe('The nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(100).default(50).describe('Items per page, 1–100'),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

/** A page of `item`: `{items, nextCursor?}`; pass `nextCursor` back as `cursor` for the next page. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`, or answers 400 naming `query.cursor`. */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw ApiError.invalid('the cursor is not one this API issued', [
      { path: 'query.cursor', message: 'pass back the nextCursor of the previous page unchanged' },
    ]);
  }
}

/**
 * One page of an in-memory list sorted by `keyOf` (ascending, unique): the cursor is the last key
 * served, so pages stay stable while items are added or removed.
 */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => string, query: PageQuery) {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, z.string());
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const start = after === undefined ? 0 : sorted.findIndex((item) => keyOf(item) > after);
  const page = start < 0 ? [] : sorted.slice(start, start + query.limit);
  const last = page.at(-1);
  const more = start >= 0 && start + query.limit < sorted.length;
  return { items: page, ...(more && last ? { nextCursor: encodeCursor(keyOf(last)) } : {}) };
}

/** Far enough in the future (year 2286) that every real timestamp inverts to a positive number. */
const LATEST_MS = 9_999_999_999_999;

/**
 * One page of records newest first (by `at`, an ISO timestamp; ties by `id`), with the same
 * stable cursor as {@link paginate}. Timestamps are compared as instants, not as strings, so
 * `…00Z` and `…00.000Z` are the same moment.
 */
export function paginateNewestFirst<T>(
  items: readonly T[],
  order: (item: T) => { at: string; id: string },
  query: PageQuery,
) {
  const keyOf = (item: T) => {
    const { at, id } = order(item);
    return `${String(LATEST_MS - Date.parse(at)).padStart(13, '0')}/${id}`;
  };
  return paginate(items, keyOf, query);
}
