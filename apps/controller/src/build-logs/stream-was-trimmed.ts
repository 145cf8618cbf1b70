import type { Redis } from 'ioredis';

/**
 * Whether a stream has dropped entries: more were ever added than it holds (`XINFO STREAM`'s
 * `entries-added`, Redis 7). Build log streams are only ever trimmed, never XDEL'd, so the
 * difference is exactly the lines lost to the cap. False on servers that do not count additions.
 */
export async function streamWasTrimmed(redis: Redis, key: string): Promise<boolean> {
  let info: unknown;
  try {
    info = await redis.xinfo('STREAM', key);
  } catch (error) {
    // The stream expired between the caller's look and this one: nothing was trimmed from nothing.
    if (error instanceof Error && /no such key/i.test(error.message)) return false;
    throw error;
  }
  if (!Array.isArray(info)) return false;
  const field = (name: string) => {
    const at = info.indexOf(name);
    return at >= 0 ? Number(info[at + 1]) : Number.NaN;
  };
  const added = field('entries-added');
  const length = field('length');
  return Number.isFinite(added) && Number.isFinite(length) && added > length;
}
