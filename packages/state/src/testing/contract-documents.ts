import { describe, expect, it } from '@jest/globals';
import { ConflictError, CorruptDocumentError, InvalidKeyError } from '../errors.js';
import type { StoreFixture } from './store-fixture.js';

const BAD_KEYS = [
  '',
  '/tenants/acme/tenant.json',
  'tenants/../../etc/passwd.json',
  '../outside.json',
  'tenants/./acme.json',
  'tenants//acme.json',
  'tenants/acme/',
  'tenants/acme',
  'tenants/acme.json/services/web.json',
  '.hidden.json',
  'tenants/.acme.json',
  'tenants/-rf.json',
  'tenants/ac me.json',
  'tenants\\acme.json',
  'tenants/acmé.json',
  'tenants/acme.json\u0000',
  `tenants/${'a'.repeat(520)}.json`,
];

const BAD_PREFIXES = ['/tenants/', '../', 'tenants/../', 'tenants//', 'tenants/.x/', 'ten ants'];

/** get, put and delete with their conditions, JSON handling and the key rules. */
export function describeDocumentContract(fixture: () => StoreFixture): void {
  const store = () => fixture().store;
  describe('get / put / delete', () => {
    it('returns undefined for a missing document and round-trips JSON with a stable etag', async () => {
      expect(await store().get('tenants/acme/tenant.json')).toBeUndefined();
      const value = {
        id: 'acme',
        members: [{ user: 'ann', role: 'owner' }],
        limits: { hosts: 3 },
        note: null,
      };
      const { etag } = await store().put('tenants/acme/tenant.json', value);
      expect(etag).toMatch(/^[^"]+$/);
      expect(await store().get('tenants/acme/tenant.json')).toEqual({ value, etag });
    });

    it('gives a new etag when the content changes and overwrites without a condition', async () => {
      const first = await store().put('tenants/acme/tenant.json', { v: 1 });
      const second = await store().put('tenants/acme/tenant.json', { v: 2 });
      expect(second.etag).not.toBe(first.etag);
      expect((await store().get('tenants/acme/tenant.json'))?.value).toEqual({ v: 2 });
    });

    it('creates with ifNoneMatch "*" and refuses to create over an existing document', async () => {
      const created = await store().put('tenants/acme/services/web.json', { v: 1 }, { ifNoneMatch: '*' });
      await expect(
        store().put('tenants/acme/services/web.json', { v: 2 }, { ifNoneMatch: '*' }),
      ).rejects.toThrow(ConflictError);
      expect(await store().get('tenants/acme/services/web.json')).toEqual({
        value: { v: 1 },
        etag: created.etag,
      });
    });

    it('updates with the current etag (bare or quoted) and refuses a stale or missing one', async () => {
      const key = 'tenants/acme/services/web.json';
      const v1 = await store().put(key, { v: 1 });
      const v2 = await store().put(key, { v: 2 }, { ifMatch: v1.etag });
      const stale = store().put(key, { v: 3 }, { ifMatch: v1.etag });
      await expect(stale).rejects.toThrow(ConflictError);
      await expect(stale).rejects.toMatchObject({ code: 'STATE_CONFLICT', key });
      expect(await store().get(key)).toEqual({ value: { v: 2 }, etag: v2.etag });
      const v4 = await store().put(key, { v: 4 }, { ifMatch: `"${v2.etag}"` });
      expect((await store().get(key))?.etag).toBe(v4.etag);
      await expect(
        store().put('tenants/acme/services/none.json', { v: 1 }, { ifMatch: v4.etag }),
      ).rejects.toThrow(ConflictError);
      expect(await store().get('tenants/acme/services/none.json')).toBeUndefined();
    });

    it('rejects contradictory conditions and values JSON cannot hold, writing nothing', async () => {
      const key = 'tenants/acme/tenant.json';
      await expect(store().put(key, {}, { ifMatch: 'abc', ifNoneMatch: '*' })).rejects.toThrow(TypeError);
      await expect(store().put(key, undefined)).rejects.toThrow(TypeError);
      await expect(store().put(key, { n: 1n })).rejects.toThrow(TypeError);
      expect(await store().get(key)).toBeUndefined();
    });

    it('deletes unconditionally, and deleting a missing document is a no-op', async () => {
      await store().put('tenants/acme/hosts/h1.json', { id: 'h1' });
      await store().delete('tenants/acme/hosts/h1.json');
      expect(await store().get('tenants/acme/hosts/h1.json')).toBeUndefined();
      await expect(store().delete('tenants/acme/hosts/h1.json')).resolves.toBeUndefined();
      await expect(store().delete('tenants/nobody/hosts/h1.json')).resolves.toBeUndefined();
    });

    it('deletes with ifMatch only while the etag is current', async () => {
      const key = 'tenants/acme/hosts/h1.json';
      const v1 = await store().put(key, { v: 1 });
      const v2 = await store().put(key, { v: 2 });
      await expect(store().delete(key, { ifMatch: v1.etag })).rejects.toThrow(ConflictError);
      expect(await store().get(key)).toEqual({ value: { v: 2 }, etag: v2.etag });
      await store().delete(key, { ifMatch: v2.etag });
      expect(await store().get(key)).toBeUndefined();
      await expect(store().delete(key, { ifMatch: v2.etag })).rejects.toThrow(ConflictError);
    });

    it('reports a stored document that is not JSON as CorruptDocumentError naming the key', async () => {
      const key = 'tenants/acme/services/broken.json';
      await fixture().writeBytes(key, '{"id": "web", oops');
      const read = store().get(key);
      await expect(read).rejects.toThrow(CorruptDocumentError);
      await expect(read).rejects.toMatchObject({ code: 'STATE_CORRUPT_DOCUMENT', key });
      await expect(read).rejects.toThrow(/tenants\/acme\/services\/broken\.json/);
    });
  });

  describe('keys', () => {
    it.each(BAD_KEYS)('refuses key %j on get, put and delete', async (key) => {
      await expect(store().get(key)).rejects.toThrow(InvalidKeyError);
      await expect(store().put(key, { v: 1 })).rejects.toThrow(InvalidKeyError);
      await expect(store().delete(key)).rejects.toThrow(InvalidKeyError);
    });

    it.each(BAD_PREFIXES)('refuses list prefix %j', async (prefix) => {
      await expect(store().list(prefix)).rejects.toThrow(InvalidKeyError);
    });

    it('keeps the fence records out of reach of plain writes', async () => {
      await expect(store().put('_fences/scheduler.json', { epoch: 999 })).rejects.toThrow(InvalidKeyError);
      await expect(store().delete('_fences/scheduler.json')).rejects.toThrow(InvalidKeyError);
      expect(await store().get('_fences/scheduler.json')).toBeUndefined();
    });

    it('accepts the documented key layout', async () => {
      const keys = [
        'tenants/acme/tenant.json',
        'tenants/acme/services/web.json',
        'tenants/acme/releases/web/r_01J9Z.json',
        'tenants/a_b-c.d/hosts/i-0abc.json',
      ];
      for (const key of keys) await store().put(key, { key });
      for (const key of keys) expect((await store().get(key))?.value).toEqual({ key });
    });
  });
}
