import { describe, expect, it } from '@jest/globals';
import { listAll } from '../list-all.js';
import { type StateChange, watchChanges } from '../watch-changes.js';
import type { StoreFixture } from './store-fixture.js';

/** Listing order, prefixes, pagination, and the polling change feed built on them. */
export function describeListingContract(fixture: () => StoreFixture): void {
  const store = () => fixture().store;
  describe('list', () => {
    it('lists the keys under a prefix in byte order with the etags get returns', async () => {
      const keys = ['a/b.json', 'a-b.json', 'a.json', 'a/a.json', 'b.json', 'a/c/d.json', 'ab.json'];
      for (const key of keys) await store().put(`tenants/t1/${key}`, { key });
      await store().put('tenants/t2/a.json', { other: true });
      const page = await store().list('tenants/t1/');
      expect(page.cursor).toBeUndefined();
      expect(page.items.map((item) => item.key)).toEqual(
        [...keys].sort().map((key) => `tenants/t1/${key}`), // ASCII: '-' < '.' < '/' < letters
      );
      for (const item of page.items) expect(item.etag).toBe((await store().get(item.key))?.etag);
    });

    it('matches a partial last segment like S3 and lists nothing for an unknown prefix', async () => {
      await store().put('tenants/acme/services/web.json', {});
      await store().put('tenants/acme/services/worker.json', {});
      await store().put('tenants/acme/secrets/x.json', {});
      const page = await store().list('tenants/acme/se');
      expect(page.items.map((item) => item.key)).toEqual([
        'tenants/acme/secrets/x.json',
        'tenants/acme/services/web.json',
        'tenants/acme/services/worker.json',
      ]);
      expect((await store().list('tenants/acme/services/wo')).items.map((item) => item.key)).toEqual([
        'tenants/acme/services/worker.json',
      ]);
      expect(await store().list('tenants/nobody/')).toEqual({ items: [] });
    });

    it('pages through 25 documents 10 at a time', async () => {
      const keys = Array.from(
        { length: 25 },
        (_, i) => `tenants/acme/allocations/a${String(i).padStart(2, '0')}.json`,
      );
      await Promise.all(keys.map((key) => store().put(key, { key })));
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store().list('tenants/acme/allocations/', {
          limit: 10,
          ...(cursor ? { cursor } : {}),
        });
        pages.push(page.items.map((item) => item.key));
        cursor = page.cursor;
      } while (cursor !== undefined);
      expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
      expect(pages.flat()).toEqual(keys);
      const all: string[] = [];
      for await (const item of listAll(store(), 'tenants/acme/allocations/', { pageSize: 7 }))
        all.push(item.key);
      expect(all).toEqual(keys);
    });

    it('refuses a page size outside 1–1000', async () => {
      await expect(store().list('', { limit: 0 })).rejects.toThrow(TypeError);
      await expect(store().list('', { limit: 1001 })).rejects.toThrow(TypeError);
    });
  });

  describe('watchChanges', () => {
    it('reports the initial documents, then upserts and deletes, and ends on abort', async () => {
      await store().put('tenants/acme/services/web.json', { v: 1 });
      await store().put('tenants/acme/services/api.json', { v: 1 });
      const controller = new AbortController();
      const batches: StateChange[][] = [];
      const watching = (async () => {
        for await (const changes of watchChanges(store(), 'tenants/acme/', {
          signal: controller.signal,
          intervalMs: 20,
        })) {
          batches.push(changes);
          if (batches.length === 1) {
            await store().put('tenants/acme/services/web.json', { v: 2 });
            await store().delete('tenants/acme/services/api.json');
          }
          if (batches.length === 2) controller.abort();
        }
      })();
      await watching;
      const web = await store().get('tenants/acme/services/web.json');
      expect(batches[0]?.map((change) => [change.kind, change.key])).toEqual([
        ['upsert', 'tenants/acme/services/api.json'],
        ['upsert', 'tenants/acme/services/web.json'],
      ]);
      expect(batches[1]).toEqual([
        { kind: 'delete', key: 'tenants/acme/services/api.json' },
        { kind: 'upsert', key: 'tenants/acme/services/web.json', etag: web?.etag },
      ]);
    });
  });
}
