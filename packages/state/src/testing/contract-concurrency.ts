import { describe, expect, it } from '@jest/globals';
import { ConflictError } from '../errors.js';
import { updateDocument } from '../update-document.js';
import type { StoreFixture } from './store-fixture.js';

/** Many writers at once: no lost update, exactly one creator wins. */
export function describeConcurrencyContract(fixture: () => StoreFixture): void {
  const store = () => fixture().store;
  describe('concurrency', () => {
    it('loses no increment when 50 writers read-modify-write one counter at once', async () => {
      const key = 'tenants/acme/counters/builds.json';
      await Promise.all(
        Array.from({ length: 50 }, () =>
          updateDocument(
            store(),
            key,
            (doc) => ({ n: ((doc?.value as { n: number } | undefined)?.n ?? 0) + 1 }),
            {
              attempts: 500,
            },
          ),
        ),
      );
      expect((await store().get(key))?.value).toEqual({ n: 50 });
    }, 120_000);

    it('lets exactly one of 20 racing creators win', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store().put('tenants/acme/tenant.json', { i }, { ifNoneMatch: '*' }),
        ),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConflictError);
      }
    });
  });
}
