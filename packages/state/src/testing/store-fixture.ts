import type { StateStore } from '../state-store.js';

/** A fresh, empty store for one test, plus a back door to plant raw bytes (for corruption tests). */
export interface StoreFixture {
  store: StateStore;
  /** Writes `body` at `key` behind the store's back, as a buggy or hostile writer would. */
  writeBytes(key: string, body: string): Promise<void>;
}
