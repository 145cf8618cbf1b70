// Test helpers (not exported by the package): real stores in a temp folder or a fresh moto bucket.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsStateStore, listAll, type StateStore } from '@slipway/state';
import { type MotoBucket, motoBucket as sharedMotoBucket } from '@slipway/state/testing/moto';

/** A state store plus a way to throw it away. */
export interface TestStore {
  store: StateStore;
  dispose(): Promise<void>;
}

/** A filesystem store in a fresh temp folder. */
export async function fsTestStore(): Promise<TestStore> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-identity-test-'));
  const store = new FsStateStore({ root, durable: false });
  return {
    store,
    dispose: async () => {
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Every document in `store`, as raw JSON text, for "the secret is stored nowhere" checks. */
export async function dumpStore(store: StateStore): Promise<string> {
  const parts: string[] = [];
  for await (const { key } of listAll(store, '')) {
    parts.push(`${key} ${JSON.stringify((await store.get(key))?.value)}`);
  }
  return parts.join('\n');
}

/** A fresh bucket on moto for one test file; `dispose` empties and deletes it. */
export function motoBucket(): Promise<MotoBucket> {
  return sharedMotoBucket({ label: 'slipway-identity-test' });
}
