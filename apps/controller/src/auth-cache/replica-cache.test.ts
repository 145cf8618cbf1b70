import { describe, expect, it } from '@jest/globals';
import { ReplicaCache } from './replica-cache.js';

/** A cache on a clock the test moves, and a loader that counts its reads. */
function fixture(options: { maxEntries?: number } = {}) {
  const clock = { now: 0 };
  const cache = new ReplicaCache<string>({ ttlMs: 1_000, clock: () => clock.now, ...options });
  const reads: string[] = [];
  /** Reads `key`, finding `value` (undefined: a miss). */
  const loadAs = (key: string, value: string | undefined) => () => {
    reads.push(key);
    return Promise.resolve(value);
  };
  const load = (key: string) => loadAs(key, `v-${key}`);
  return { clock, cache, reads, load, loadAs };
}

describe('ReplicaCache', () => {
  it('keeps a value for its TTL, then reads it again', async () => {
    const { clock, cache, reads, load } = fixture();
    expect(await cache.get('a', load('a'))).toBe('v-a');
    clock.now = 999;
    expect(await cache.get('a', load('a'))).toBe('v-a');
    expect(reads).toEqual(['a']);
    clock.now = 1_000;
    expect(await cache.get('a', load('a'))).toBe('v-a');
    expect(reads).toEqual(['a', 'a']);
  });

  it('does not keep misses', async () => {
    const { cache, reads, loadAs } = fixture();
    expect(await cache.get('gone', loadAs('gone', undefined))).toBeUndefined();
    expect(await cache.get('gone', loadAs('gone', 'created'))).toBe('created');
    expect(reads).toEqual(['gone', 'gone']);
  });

  it('forgets a key, and does not keep a read that overlapped the forget', async () => {
    const { cache, reads, load } = fixture();
    await cache.get('a', load('a'));
    cache.forget('a');
    let finish: (value: string) => void = () => {};
    const slow = cache.get('a', () => new Promise<string>((resolve) => (finish = resolve)));
    cache.forget('a'); // the write happened while the read was in flight
    finish('old');
    expect(await slow).toBe('old');
    expect(await cache.get('a', load('a'))).toBe('v-a');
    expect(reads).toEqual(['a', 'a']);
  });

  it('keeps nothing while suspended', async () => {
    const { cache, reads, load } = fixture();
    await cache.get('a', load('a'));
    cache.suspend();
    expect(cache.size).toBe(0);
    await cache.get('a', load('a'));
    await cache.get('a', load('a'));
    cache.resume();
    await cache.get('a', load('a'));
    await cache.get('a', load('a'));
    expect(reads).toEqual(['a', 'a', 'a', 'a']);
  });

  it('drops the oldest entry past its size', async () => {
    const { cache, reads, load } = fixture({ maxEntries: 2 });
    for (const key of ['a', 'b', 'c', 'b', 'c', 'a']) await cache.get(key, load(key));
    expect(reads).toEqual(['a', 'b', 'c', 'a']);
    expect(cache.size).toBe(2);
  });

  it('refuses a negative TTL', () => {
    expect(() => new ReplicaCache({ ttlMs: -1 })).toThrow('ttlMs must be ≥ 0, got -1');
  });
});
