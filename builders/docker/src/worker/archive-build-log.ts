import type { BuildLogArchive, BuildStatus } from '@slipway/core';
import { type BuildLogRef, buildLogKey, readBuildLog } from '@slipway/queue';
import { ConflictError, type Repository } from '@slipway/state';
import type { Redis } from 'ioredis';

export interface ArchiveBuildLogOptions {
  redis: Redis;
  ref: BuildLogRef;
  buildLogs: Repository<BuildLogArchive>;
  status: Extract<BuildStatus, 'succeeded' | 'failed' | 'cancelled'>;
  finishedAt: Date;
}

/** XINFO STREAM's flat [name, value, …] reply → `entries-added` and `length`. */
async function streamCounts(redis: Redis, key: string): Promise<{ added: number; length: number }> {
  const reply = (await redis.xinfo('STREAM', key)) as unknown[];
  const field = (name: string) => {
    const index = reply.indexOf(name);
    return index >= 0 ? Number(reply[index + 1]) : 0;
  };
  return { added: field('entries-added'), length: field('length') };
}

/**
 * Copies a finished build's whole live log (its Redis stream) into the state store, so it
 * outlives the stream's TTL. Create-only: when an earlier attempt already archived it, that
 * archive stays and this returns false. `truncated` says the stream had dropped its oldest lines
 * (it keeps about 10,000), which Redis knows from `entries-added`.
 */
export async function archiveBuildLog(options: ArchiveBuildLogOptions): Promise<boolean> {
  const { redis, ref } = options;
  const key = buildLogKey(ref);
  const { lines } = await readBuildLog(redis, ref);
  const counts = (await redis.exists(key)) === 1 ? await streamCounts(redis, key) : { added: 0, length: 0 };
  const archive: BuildLogArchive = {
    tenant: ref.tenant,
    id: ref.buildId,
    status: options.status,
    lines: lines.map((entry) => entry.line),
    truncated: counts.added > counts.length,
    finishedAt: options.finishedAt.toISOString(),
  };
  try {
    await options.buildLogs.create(archive);
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
}
