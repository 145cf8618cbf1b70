import { describe, expect, it } from '@jest/globals';
import { ConflictError, CorruptDocumentError, FencedError, InvalidKeyError } from '../errors.js';
import { fenceKey } from '../keys.js';
import type { StoreFixture } from './store-fixture.js';

/** Fence tokens: older epochs are refused and write nothing; the record only moves forward. */
export function describeFencingContract(fixture: () => StoreFixture): void {
  const store = () => fixture().store;
  describe('fencing', () => {
    const key = 'tenants/acme/rollouts/web.json';

    it('accepts the first epoch, the same epoch again, and newer ones', async () => {
      await store().put(key, { step: 1 }, { fence: { family: 'scheduler', epoch: 3 } });
      await store().put(key, { step: 2 }, { fence: { family: 'scheduler', epoch: 3 } });
      await store().put(key, { step: 3 }, { fence: { family: 'scheduler', epoch: 4 } });
      expect((await store().get(key))?.value).toEqual({ step: 3 });
      expect((await store().get(fenceKey('scheduler')))?.value).toMatchObject({
        family: 'scheduler',
        epoch: 4,
      });
    });

    it('refuses an older epoch with FencedError and writes nothing', async () => {
      const written = await store().put(
        key,
        { by: 'leader 7' },
        { fence: { family: 'scheduler', epoch: 7 } },
      );
      const late = store().put(key, { by: 'leader 6' }, { fence: { family: 'scheduler', epoch: 6 } });
      await expect(late).rejects.toThrow(FencedError);
      await expect(late).rejects.toMatchObject({ code: 'STATE_FENCED', epoch: 6, currentEpoch: 7 });
      const fresh = store().put(
        'tenants/acme/rollouts/api.json',
        { by: 'leader 6' },
        { fence: { family: 'scheduler', epoch: 6 } },
      );
      await expect(fresh).rejects.toThrow(FencedError);
      await expect(store().delete(key, { fence: { family: 'scheduler', epoch: 6 } })).rejects.toThrow(
        FencedError,
      );
      expect(await store().get(key)).toEqual({ value: { by: 'leader 7' }, etag: written.etag });
      expect(await store().get('tenants/acme/rollouts/api.json')).toBeUndefined();
      expect((await store().get(fenceKey('scheduler')))?.value).toMatchObject({ epoch: 7 });
    });

    it('keeps families apart and fences deletes too', async () => {
      await store().put(key, { v: 1 }, { fence: { family: 'scheduler', epoch: 9 } });
      await store().put('tenants/acme/edge.json', { v: 1 }, { fence: { family: 'edge/acme', epoch: 1 } });
      await store().delete(key, { fence: { family: 'scheduler', epoch: 9 } });
      expect(await store().get(key)).toBeUndefined();
      expect((await store().get(fenceKey('edge/acme')))?.value).toMatchObject({ epoch: 1 });
    });

    it('checks the fence and then the etag condition', async () => {
      const v1 = await store().put(key, { v: 1 }, { fence: { family: 'scheduler', epoch: 1 } });
      await store().put(key, { v: 2 });
      await expect(
        store().put(key, { v: 3 }, { ifMatch: v1.etag, fence: { family: 'scheduler', epoch: 1 } }),
      ).rejects.toThrow(ConflictError);
      await expect(
        store().put(key, { v: 3 }, { ifMatch: v1.etag, fence: { family: 'scheduler', epoch: 0 } }),
      ).rejects.toThrow(FencedError);
    });

    it('refuses malformed tokens', async () => {
      await expect(store().put(key, {}, { fence: { family: 'scheduler', epoch: -1 } })).rejects.toThrow(
        TypeError,
      );
      await expect(store().put(key, {}, { fence: { family: 'scheduler', epoch: 1.5 } })).rejects.toThrow(
        TypeError,
      );
      await expect(store().put(key, {}, { fence: { family: '../x', epoch: 1 } })).rejects.toThrow(
        InvalidKeyError,
      );
      expect(await store().get(key)).toBeUndefined();
    });

    it('settles on the newest epoch when leaders race, and refuses the older ones after it', async () => {
      const epochs = [5, 2, 9, 1, 7, 9, 3, 8, 4, 6];
      await Promise.allSettled(
        epochs.map((epoch) =>
          store().put(`tenants/acme/race/e${epoch}.json`, { epoch }, { fence: { family: 'race', epoch } }),
        ),
      );
      expect((await store().get(fenceKey('race')))?.value).toMatchObject({ epoch: 9 });
      await expect(store().put(key, {}, { fence: { family: 'race', epoch: 8 } })).rejects.toThrow(
        FencedError,
      );
      expect(await store().get('tenants/acme/race/e9.json')).toBeDefined();
    });

    it('refuses a corrupt fence record instead of guessing', async () => {
      await fixture().writeBytes(fenceKey('broken'), 'not json');
      await expect(store().put(key, {}, { fence: { family: 'broken', epoch: 1 } })).rejects.toThrow(
        CorruptDocumentError,
      );
      expect(await store().get(key)).toBeUndefined();
    });
  });
}
