import type { Redis } from 'ioredis';
import type { Captured } from './leak-search.js';

/**
 * Every value under `prefix`, whatever its type — strings, hashes, lists, sets, sorted sets and
 * streams (BullMQ job payloads, log streams, heartbeats…) — one {@link Captured} per key.
 */
export async function redisValues(redis: Redis, prefix: string): Promise<Captured[]> {
  const captured: Captured[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const value = await readKey(redis, key);
      if (value !== undefined) captured.push({ where: `redis ${key}`, text: JSON.stringify(value) });
    }
  } while (cursor !== '0');
  return captured;
}

async function readKey(redis: Redis, key: string): Promise<unknown> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return redis.get(key);
    case 'hash':
      return redis.hgetall(key);
    case 'list':
      return redis.lrange(key, 0, -1);
    case 'set':
      return redis.smembers(key);
    case 'zset':
      return redis.call('ZRANGE', key, '0', '-1', 'WITHSCORES');
    case 'stream':
      return redis.xrange(key, '-', '+');
    case 'none':
      return undefined; // expired or deleted between SCAN and TYPE
    default:
      return { unreadable: type };
  }
}

/** What a {@link watchRedisCommands} saw: commands that touched `prefix`, and the hits of `match`. */
export interface RedisCommandWatch {
  /** How many commands (including those run inside Lua scripts) named something under the prefix. */
  readonly seen: () => number;
  /** `"<command> <first argument>"` of every command any argument of which `match` accepted. */
  readonly matched: readonly string[];
  stop(): Promise<void>;
}

/**
 * Watches every command Redis runs (MONITOR, which also shows the commands BullMQ's Lua scripts
 * issue and every PUBLISH) while the test runs, so job payloads that were written and removed
 * again are searched too. Only hits are kept, described without their arguments.
 */
export async function watchRedisCommands(
  redis: Redis,
  prefix: string,
  match: (text: string) => boolean,
): Promise<RedisCommandWatch> {
  const monitor = await redis.monitor();
  let seen = 0;
  const matched: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((arg) => arg.includes(prefix))) seen += 1;
    if (args.some(match)) matched.push(`${args[0]} ${match(args[1] ?? '') ? '…' : (args[1] ?? '')}`);
  });
  return {
    seen: () => seen,
    matched,
    async stop() {
      monitor.disconnect();
    },
  };
}
