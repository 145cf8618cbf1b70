import type { StateStore } from '@slipway/state';

/**
 * `store`, except that after every put or delete `announce(key)` runs — also after a failed one,
 * since a write that timed out may still have landed (a needless announcement costs one read).
 * `announce` must not throw: the write is done, and its caller should hear how the write went.
 */
export function announcingWrites(store: StateStore, announce: (key: string) => Promise<void>): StateStore {
  return {
    get: (key) => store.get(key),
    list: (prefix, options) => store.list(prefix, options),
    close: () => store.close(),
    put: async (key, value, options) => {
      try {
        return await store.put(key, value, options);
      } finally {
        await announce(key);
      }
    },
    delete: async (key, options) => {
      try {
        await store.delete(key, options);
      } finally {
        await announce(key);
      }
    },
  };
}
