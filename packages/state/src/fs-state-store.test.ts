import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FsStateStore } from './fs-state-store.js';
import { describeStateStoreContract } from './testing/state-store-contract.js';

const here = import.meta.dirname;
const tsx = resolve(here, '../../../node_modules/.bin/tsx');
let base: string;
let storeCount = 0;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slipway-state-test-'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function freshRoot(): string {
  storeCount += 1;
  return join(base, `store-${storeCount}`);
}

describeStateStoreContract('FsStateStore', async () => {
  const root = freshRoot();
  return {
    store: new FsStateStore({ root }),
    writeBytes: async (key, body) => {
      await mkdir(dirname(join(root, key)), { recursive: true });
      await writeFile(join(root, key), body);
    },
  };
});

/** Every file and folder under `root`, relative, sorted (dotfiles included). */
async function tree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries.sort();
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid!;
  await new Promise((done) => child.once('exit', done));
  return pid;
}

describe('FsStateStore on disk', () => {
  it('stores one readable JSON file per key and leaves no temp or lock files behind', async () => {
    const root = freshRoot();
    const store = new FsStateStore({ root });
    await store.put('tenants/acme/services/web.json', { id: 'web', port: 8080 });
    await store.put('tenants/acme/services/web.json', { id: 'web', port: 9090 });
    await store.delete('tenants/acme/services/web.json');
    await store.put('tenants/acme/tenant.json', { id: 'acme' });
    expect(await readFile(join(root, 'tenants/acme/tenant.json'), 'utf8')).toBe('{\n  "id": "acme"\n}\n');
    expect(await tree(root)).toEqual([
      'tenants',
      'tenants/acme',
      'tenants/acme/services',
      'tenants/acme/tenant.json',
    ]);
  });

  it('lists only valid documents: no dotfiles, foreign files or symlinks out of the root', async () => {
    const root = freshRoot();
    const outside = await mkdtemp(join(tmpdir(), 'slipway-outside-'));
    try {
      await writeFile(join(outside, 'secret.json'), '{}');
      const store = new FsStateStore({ root });
      await store.put('tenants/acme/tenant.json', { id: 'acme' });
      await writeFile(join(root, 'tenants/acme/notes.txt'), 'hello');
      await writeFile(join(root, 'tenants/acme/.web.json.lock'), '{}');
      await symlink(outside, join(root, 'tenants/acme/escape'));
      await symlink(join(outside, 'secret.json'), join(root, 'tenants/acme/link.json'));
      expect((await store.list('')).items.map((item) => item.key)).toEqual(['tenants/acme/tenant.json']);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('breaks at once a lock left by a process that died', async () => {
    const root = freshRoot();
    const store = new FsStateStore({ root, lock: { waitMs: 2_000 } });
    await store.put('tenants/acme/tenant.json', { v: 1 });
    const lock = join(root, 'tenants/acme/.tenant.json.lock');
    await writeFile(
      lock,
      JSON.stringify({ pid: await deadPid(), host: hostname(), nonce: 'dead', at: Date.now() }),
    );
    const started = Date.now();
    await store.put('tenants/acme/tenant.json', { v: 2 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await store.get('tenants/acme/tenant.json'))?.value).toEqual({ v: 2 });
    expect(await tree(join(root, 'tenants/acme'))).toEqual(['tenant.json']);
  });

  it('waits for a live holder, gives up with STATE_LOCK_FAILED, and breaks the lock once it is stale', async () => {
    const root = freshRoot();
    const store = new FsStateStore({ root, lock: { waitMs: 300, staleMs: 5_000 } });
    await store.put('tenants/acme/tenant.json', { v: 1 });
    const lock = join(root, 'tenants/acme/.tenant.json.lock');
    const holder = { pid: process.pid, host: hostname(), nonce: 'live', at: Date.now() };
    await writeFile(lock, JSON.stringify(holder));
    const blocked = store.put('tenants/acme/tenant.json', { v: 2 });
    await expect(blocked).rejects.toMatchObject({ code: 'STATE_LOCK_FAILED' });
    await expect(blocked).rejects.toThrow(/delete the lock file/);
    expect((await store.get('tenants/acme/tenant.json'))?.value).toEqual({ v: 1 });
    await writeFile(lock, JSON.stringify({ ...holder, at: Date.now() - 60_000 }));
    await store.put('tenants/acme/tenant.json', { v: 3 });
    expect((await store.get('tenants/acme/tenant.json'))?.value).toEqual({ v: 3 });
  });

  it('treats an unreadable lock file by its age: waits while fresh, breaks it when stale', async () => {
    const root = freshRoot();
    const store = new FsStateStore({ root, lock: { waitMs: 200, staleMs: 5_000 } });
    await store.put('tenants/acme/tenant.json', { v: 1 });
    const lock = join(root, 'tenants/acme/.tenant.json.lock');
    await writeFile(lock, 'garbage');
    await expect(store.put('tenants/acme/tenant.json', { v: 2 })).rejects.toMatchObject({
      code: 'STATE_LOCK_FAILED',
    });
    const past = new Date(Date.now() - 60_000);
    await utimes(lock, past, past);
    await store.put('tenants/acme/tenant.json', { v: 3 });
    expect((await store.get('tenants/acme/tenant.json'))?.value).toEqual({ v: 3 });
  });

  it('loses no increment when 5 processes × 10 writers update one counter', async () => {
    const root = freshRoot();
    const key = 'tenants/acme/counters/builds.json';
    const worker = join(here, 'testing/increment-counter.ts');
    const run = promisify(execFile);
    await Promise.all(
      Array.from({ length: 5 }, () => run(tsx, [worker, root, key, '10'], { timeout: 60_000 })),
    );
    const store = new FsStateStore({ root });
    expect((await store.get(key))?.value).toEqual({ n: 50 });
  }, 120_000);
});
