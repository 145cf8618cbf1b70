import type { ListedKey, StateStore } from './state-store.js';

/**
 * Every key under `prefix`, following the pagination cursor page by page.
 *
 * @example
 * for await (const { key, etag } of listAll(store, 'tenants/acme/services/')) console.log(key, etag);
 */
export async function* listAll(
  store: Pick<StateStore, 'list'>,
  prefix: string,
  options: { pageSize?: number } = {},
): AsyncGenerator<ListedKey> {
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, {
      ...(options.pageSize !== undefined ? { limit: options.pageSize } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
    });
    yield* page.items;
    cursor = page.cursor;
  } while (cursor !== undefined);
}
