import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import {
  ConflictError,
  CorruptDocumentError,
  FencedError,
  InvalidDocumentError,
  NotFoundError,
} from './errors.js';
import { FsStateStore } from './fs-state-store.js';
import { Repository, ScanCache } from './repository.js';
import type { StateStore } from './state-store.js';
import { KEEP_DOCUMENT } from './update-document.js';

// A small local schema: the repository is generic and does not depend on the domain schemas.
const counterSchema = z.object({
  tenant: z.string().regex(/^[a-z]+$/),
  name: z.string().regex(/^[a-z]+$/),
  n: z.int().min(0),
});
type Counter = z.infer<typeof counterSchema>;
const counterKey = (counter: { tenant: string; name: string }) =>
  `tenants/${counter.tenant}/counters/${counter.name}.json`;

let base: string;
let count = 0;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slipway-repository-test-'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function fresh(options: { immutable?: boolean } = {}) {
  count += 1;
  const root = join(base, `store-${count}`);
  const store = new FsStateStore({ root, durable: false });
  const counters = new Repository<Counter>({
    store,
    schema: counterSchema,
    kind: 'counter',
    keyOf: counterKey,
    ownsKey: (key) => key.includes('/counters/'),
    ...options,
  });
  const plant = async (key: string, body: string) => {
    await mkdir(dirname(join(root, key)), { recursive: true });
    await writeFile(join(root, key), body);
  };
  return { store, counters, plant };
}

describe('Repository', () => {
  it('creates once, reads back with the etag, and requires existing documents', async () => {
    const { counters } = fresh();
    const created = await counters.create({ tenant: 'acme', name: 'builds', n: 1 });
    expect(created.key).toBe('tenants/acme/counters/builds.json');
    expect(await counters.get(created.key)).toEqual({
      value: { tenant: 'acme', name: 'builds', n: 1 },
      etag: created.etag,
    });
    await expect(counters.create({ tenant: 'acme', name: 'builds', n: 2 })).rejects.toThrow(ConflictError);
    await expect(counters.require('tenants/acme/counters/none.json')).rejects.toThrow(NotFoundError);
  });

  it('refuses to write an invalid document, naming the fields, and writes nothing', async () => {
    const { counters } = fresh();
    const attempt = counters.create({ tenant: 'acme', name: 'builds', n: -1 });
    await expect(attempt).rejects.toThrow(InvalidDocumentError);
    await expect(attempt).rejects.toMatchObject({
      code: 'STATE_INVALID_DOCUMENT',
      issues: [{ path: ['n'] }],
    });
    expect(await counters.get('tenants/acme/counters/builds.json')).toBeUndefined();
  });

  it('replaces only with the current etag', async () => {
    const { counters } = fresh();
    const v1 = await counters.create({ tenant: 'acme', name: 'builds', n: 1 });
    const v2 = await counters.replace({ ...v1.value, n: 2 }, { ifMatch: v1.etag });
    await expect(counters.replace({ ...v1.value, n: 3 }, { ifMatch: v1.etag })).rejects.toThrow(
      ConflictError,
    );
    expect((await counters.require(v2.key)).value.n).toBe(2);
  });

  it('updates under contention without losing a change, and can keep the document as it is', async () => {
    const { counters } = fresh();
    const key = counterKey({ tenant: 'acme', name: 'builds' });
    const increment = (current: Counter | undefined) => ({
      tenant: 'acme',
      name: 'builds',
      n: (current?.n ?? 0) + 1,
    });
    await Promise.all(Array.from({ length: 20 }, () => counters.update(key, increment, { attempts: 200 })));
    expect((await counters.require(key)).value.n).toBe(20);
    const kept = await counters.update(key, () => KEEP_DOCUMENT);
    expect(kept?.value.n).toBe(20);
    await expect(counters.update(key, (current) => ({ ...current!, name: 'other' }))).rejects.toThrow(
      /belongs at "tenants\/acme\/counters\/other.json"/,
    );
  });

  it('passes fence tokens through', async () => {
    const { counters } = fresh();
    await counters.create({ tenant: 'acme', name: 'a', n: 0 }, { fence: { family: 'scheduler', epoch: 2 } });
    await expect(
      counters.create({ tenant: 'acme', name: 'b', n: 0 }, { fence: { family: 'scheduler', epoch: 1 } }),
    ).rejects.toThrow(FencedError);
    expect(await counters.get('tenants/acme/counters/b.json')).toBeUndefined();
  });

  it('reports a document of the wrong shape as CorruptDocumentError with the key and field paths', async () => {
    const { counters, plant } = fresh();
    const key = 'tenants/acme/counters/builds.json';
    await plant(key, JSON.stringify({ tenant: 'acme', name: 'builds', n: 'seven' }));
    const read = counters.get(key);
    await expect(read).rejects.toThrow(CorruptDocumentError);
    await expect(read).rejects.toThrow(/"tenants\/acme\/counters\/builds.json": not a valid counter/);
    await expect(read).rejects.toMatchObject({ key, issues: [{ path: ['n'] }] });
  });

  it('never trusts a document whose ids point at another key (or tenant)', async () => {
    const { counters, plant } = fresh();
    await plant(
      'tenants/acme/counters/builds.json',
      JSON.stringify({ tenant: 'globex', name: 'builds', n: 1 }),
    );
    await expect(counters.get('tenants/acme/counters/builds.json')).rejects.toThrow(
      /belongs at "tenants\/globex\/counters\/builds.json"/,
    );
  });

  it('scans valid documents in key order and reports the corrupt ones instead of throwing', async () => {
    const { counters, plant, store } = fresh();
    for (const name of ['c', 'a', 'e']) await counters.create({ tenant: 'acme', name, n: 1 });
    await plant('tenants/acme/counters/b.json', '{ not json');
    await plant('tenants/acme/counters/d.json', JSON.stringify({ tenant: 'acme', name: 'd' }));
    await store.put('tenants/acme/notes/x.json', { unrelated: true });
    const { documents, corrupt } = await counters.scan('tenants/acme/');
    expect(documents.map((document) => document.key)).toEqual([
      'tenants/acme/counters/a.json',
      'tenants/acme/counters/c.json',
      'tenants/acme/counters/e.json',
    ]);
    expect(documents[0]).toMatchObject({ value: { name: 'a', n: 1 }, etag: expect.any(String) });
    expect(corrupt.map((error) => error.key)).toEqual([
      'tenants/acme/counters/b.json',
      'tenants/acme/counters/d.json',
    ]);
    expect(corrupt.every((error) => error instanceof CorruptDocumentError)).toBe(true);
  });

  it('refuses to change immutable documents', async () => {
    const { counters } = fresh({ immutable: true });
    const created = await counters.create({ tenant: 'acme', name: 'r', n: 1 });
    await expect(counters.replace({ ...created.value, n: 2 }, { ifMatch: created.etag })).rejects.toThrow(
      /immutable/,
    );
    await expect(counters.update(created.key, () => KEEP_DOCUMENT)).rejects.toThrow(/immutable/);
    await counters.delete(created.key, { ifMatch: created.etag });
    expect(await counters.get(created.key)).toBeUndefined();
  });
});

describe('Repository.scan with a ScanCache', () => {
  /** A repository over a store that counts its GETs and LISTs. */
  function counted() {
    const { store, plant } = fresh();
    const calls = { get: 0, list: 0 };
    const countedStore: StateStore = {
      get: (key) => {
        calls.get += 1;
        return store.get(key);
      },
      put: (key, value, options) => store.put(key, value, options),
      delete: (key, options) => store.delete(key, options),
      list: (prefix, options) => {
        calls.list += 1;
        return store.list(prefix, options);
      },
      close: () => store.close(),
    };
    const counters = new Repository<Counter>({
      store: countedStore,
      schema: counterSchema,
      kind: 'counter',
      keyOf: counterKey,
      ownsKey: (key) => key.includes('/counters/'),
    });
    return { counters, calls, plant };
  }

  it('reads a document again only when its listed etag changed, and forgets deleted ones', async () => {
    const { counters, calls } = counted();
    const cache = new ScanCache<Counter>();
    const a = await counters.create({ tenant: 'acme', name: 'a', n: 1 });
    await counters.create({ tenant: 'acme', name: 'b', n: 1 });

    const first = await counters.scan('tenants/acme/', { cache });
    expect(first.documents.map((d) => d.value.n)).toEqual([1, 1]);
    expect(calls).toEqual({ get: 2, list: 1 });

    const second = await counters.scan('tenants/acme/', { cache });
    expect(second.documents).toEqual(first.documents);
    expect(calls).toEqual({ get: 2, list: 2 }); // unchanged: listed, not read

    await counters.replace({ tenant: 'acme', name: 'a', n: 2 }, { ifMatch: a.etag });
    const third = await counters.scan('tenants/acme/', { cache });
    expect(third.documents.map((d) => [d.value.name, d.value.n])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(calls).toEqual({ get: 3, list: 3 }); // only the changed one was read

    await counters.delete(counterKey({ tenant: 'acme', name: 'b' }));
    const fourth = await counters.scan('tenants/acme/', { cache });
    expect(fourth.documents.map((d) => d.value.name)).toEqual(['a']);
    expect(cache.size).toBe(1);
    expect(calls).toEqual({ get: 3, list: 4 });
  });

  it('remembers a corrupt document until it is rewritten', async () => {
    const { counters, calls, plant } = counted();
    const cache = new ScanCache<Counter>();
    await plant('tenants/acme/counters/bad.json', '{"tenant":"acme"}');
    const first = await counters.scan('tenants/acme/', { cache });
    expect(first.corrupt.map((e) => e.key)).toEqual(['tenants/acme/counters/bad.json']);
    const second = await counters.scan('tenants/acme/', { cache });
    expect(second.corrupt.map((e) => e.key)).toEqual(['tenants/acme/counters/bad.json']);
    expect(calls.get).toBe(1);

    await plant('tenants/acme/counters/bad.json', '{"tenant":"acme","name":"bad","n":3}');
    const third = await counters.scan('tenants/acme/', { cache });
    expect(third.corrupt).toEqual([]);
    expect(third.documents.map((d) => d.value.n)).toEqual([3]);
    expect(calls.get).toBe(2);
  });
});
