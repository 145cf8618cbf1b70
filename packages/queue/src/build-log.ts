import type { Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX } from './queue-names.js';

/** Which build's log: the tenant is part of the key, so one tenant's reader cannot name another's stream. */
export interface BuildLogRef {
  tenant: string;
  buildId: string;
  /** Redis key prefix, as given to {@link createQueues}. Default `slipway`. */
  prefix?: string;
}

/** One line of a build log, with the stream id to resume after. */
export interface BuildLogEntry {
  /** Redis stream id; pass it as `after` to continue from here. */
  id: string;
  line: string;
}

/** How a finished build's log ends; the follower stops when it reads it. */
export interface BuildLogEnd {
  id: string;
  status: string;
}

export type BuildLogItem = ({ kind: 'line' } & BuildLogEntry) | ({ kind: 'end' } & BuildLogEnd);

/** A live log keeps at most about this many lines; the full log is finalized into the state store. */
export const BUILD_LOG_MAX_LINES = 10_000;
/** A live log disappears this long after its last write (cheap at rest: the state store has the copy). */
export const BUILD_LOG_TTL_S = 7 * 24 * 60 * 60;

/** The Redis key of a build's log stream. */
export function buildLogKey(ref: BuildLogRef): string {
  return `${ref.prefix ?? DEFAULT_KEY_PREFIX}:build-log:${ref.tenant}:${ref.buildId}`;
}

/**
 * Appends lines to a build's live log (one XADD per line in one round trip), trimming the
 * stream to about {@link BUILD_LOG_MAX_LINES} and renewing its TTL.
 *
 * @example await appendBuildLog(redis, { tenant: 'acme', buildId }, ['Step 1/3 : FROM busybox']);
 */
export async function appendBuildLog(
  redis: Redis,
  ref: BuildLogRef,
  lines: readonly string[],
  options: { maxLines?: number } = {},
): Promise<string[]> {
  if (lines.length === 0) return [];
  const key = buildLogKey(ref);
  const maxLines = options.maxLines ?? BUILD_LOG_MAX_LINES;
  const pipeline = redis.pipeline();
  for (const line of lines) pipeline.xadd(key, 'MAXLEN', '~', maxLines, '*', 'line', line);
  pipeline.expire(key, BUILD_LOG_TTL_S);
  return ids(await pipeline.exec()).slice(0, lines.length);
}

/** Marks a build's log as finished; followers stop after this entry. */
export async function endBuildLog(redis: Redis, ref: BuildLogRef, status: string): Promise<string> {
  const key = buildLogKey(ref);
  const pipeline = redis.pipeline();
  pipeline.xadd(key, '*', 'end', status);
  pipeline.expire(key, BUILD_LOG_TTL_S);
  return ids(await pipeline.exec())[0]!;
}

function ids(results: [Error | null, unknown][] | null): string[] {
  if (!results) throw new Error('Redis pipeline was discarded (connection closed?)');
  return results.map(([error, value]) => {
    if (error) throw error;
    return String(value);
  });
}

type StreamEntries = [id: string, fields: string[]][];

function toItems(entries: StreamEntries): BuildLogItem[] {
  return entries.map(([id, fields]) => {
    const field = fields[0];
    const value = fields[1] ?? '';
    return field === 'end' ? { kind: 'end', id, status: value } : { kind: 'line', id, line: value };
  });
}

/**
 * Reads a build's log from the start, or after the stream id `after`.
 * Lines only; `end` says whether the build's log is finished (and how).
 */
export async function readBuildLog(
  redis: Redis,
  ref: BuildLogRef,
  options: { after?: string; count?: number } = {},
): Promise<{ lines: BuildLogEntry[]; end?: BuildLogEnd }> {
  const start = options.after ? `(${options.after}` : '-';
  const entries = (
    options.count === undefined
      ? await redis.xrange(buildLogKey(ref), start, '+')
      : await redis.xrange(buildLogKey(ref), start, '+', 'COUNT', options.count)
  ) as StreamEntries;
  const lines: BuildLogEntry[] = [];
  let end: BuildLogEnd | undefined;
  for (const item of toItems(entries)) {
    if (item.kind === 'line') lines.push({ id: item.id, line: item.line });
    else end = { id: item.id, status: item.status };
  }
  return end ? { lines, end } : { lines };
}

export interface FollowBuildLogOptions {
  /** Start after this stream id; default: from the beginning. */
  after?: string;
  /** Stop following (the iterator ends quietly). */
  signal?: AbortSignal;
  /** How long one XREAD BLOCK waits before asking again. Default 5000. */
  blockMs?: number;
}

/**
 * Follows a build's log: yields what is there, then new lines as they are written (XREAD
 * BLOCK), and ends after the `end` entry or when `signal` aborts. It blocks a connection of
 * its own (a duplicate of `redis`), closed when the iterator finishes.
 *
 * @example
 * for await (const item of followBuildLog(redis, { tenant, buildId }, { signal })) send(item);
 */
export async function* followBuildLog(
  redis: Redis,
  ref: BuildLogRef,
  options: FollowBuildLogOptions = {},
): AsyncGenerator<BuildLogItem> {
  const { signal } = options;
  if (signal?.aborted) return;
  const key = buildLogKey(ref);
  const blocking = redis.duplicate();
  // CLIENT UNBLOCK from the caller's connection ends a pending XREAD at once; a bare disconnect
  // would wait for the server to notice, which it does only when the BLOCK times out.
  let blockingId: number | undefined;
  const stop = () => {
    if (blockingId === undefined) blocking.disconnect();
    else redis.client('UNBLOCK', blockingId).catch(() => blocking.disconnect());
  };
  signal?.addEventListener('abort', stop, { once: true });
  let after = options.after ?? '0-0';
  try {
    try {
      blockingId = Number(await blocking.client('ID'));
    } catch (error) {
      if (signal?.aborted) return; // aborted while connecting: the stop disconnected it
      throw error;
    }
    while (!signal?.aborted) {
      let reply: [string, StreamEntries][] | null;
      try {
        reply = (await blocking.xread(
          'COUNT',
          500,
          'BLOCK',
          options.blockMs ?? 5000,
          'STREAMS',
          key,
          after,
        )) as [string, StreamEntries][] | null;
      } catch (error) {
        // When UNBLOCK failed, the stop disconnected instead, which rejects the pending XREAD: a stop, not a fault.
        if (signal?.aborted) return;
        throw error;
      }
      for (const item of toItems(reply?.[0]?.[1] ?? [])) {
        after = item.id;
        yield item;
        if (item.kind === 'end') return;
      }
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    await blocking.quit().catch(() => blocking.disconnect());
  }
}
