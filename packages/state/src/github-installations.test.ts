import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FsStateStore } from './fs-state-store.js';
import { InstallationBoundElsewhere, Installations, installationKey } from './github-installations.js';

describe('Installations (FsStateStore)', () => {
  let root: string;
  let store: FsStateStore;
  let installations: Installations;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'installations-'));
    store = new FsStateStore({ root, durable: false });
    installations = new Installations({ store });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('records an installation and reads it back, suspended defaulting to false', async () => {
    await installations.record({
      installationId: 7,
      account: { login: 'acme', id: 100, type: 'Organization' },
      suspended: false,
    });
    expect(await installations.get(7)).toEqual({
      installationId: 7,
      account: { login: 'acme', id: 100, type: 'Organization' },
      suspended: false,
    });
    expect(await store.get(installationKey(7))).toBeDefined();
    expect(await installations.get(8)).toBeUndefined();
  });

  it('binds once: the same tenant again is a no-op, another tenant is refused until unbound', async () => {
    expect(await installations.boundTenant(7)).toBeUndefined();
    await installations.bind(7, 'acme');
    await installations.bind(7, 'acme');
    await expect(installations.bind(7, 'other')).rejects.toBeInstanceOf(InstallationBoundElsewhere);
    await installations.unbind(7, 'other'); // not theirs: nothing happens
    expect(await installations.boundTenant(7)).toBe('acme');
    await installations.unbind(7, 'acme');
    await installations.bind(7, 'other');
    expect(await installations.boundTenant(7)).toBe('other');
  });
});
