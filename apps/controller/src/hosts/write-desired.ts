import type { FenceToken, Repository } from '@slipway/state';
import type { Redis } from 'ioredis';
import type { DesiredAllocations } from './desired-allocations.js';
import { desiredChangedChannel } from './host-redis-keys.js';

/**
 * Tells every replica that `host`'s desired allocations changed, so the agent's long-poll answers
 * now. Whoever writes the document calls it after the write (see {@link writeDesired}).
 */
export async function publishDesiredChange(
  redis: Redis,
  prefix: string,
  tenant: string,
  host: string,
): Promise<void> {
  await redis.publish(desiredChangedChannel(prefix), JSON.stringify({ tenant, host }));
}

export interface WriteDesiredOptions {
  repository: Repository<DesiredAllocations>;
  redis: Redis;
  /** The controller's Redis prefix (`SLIPWAY_REDIS_PREFIX`). */
  prefix: string;
  document: DesiredAllocations;
  /** The etag the writer read; null when it found no document (then the write creates it). */
  expectedEtag: string | null;
  /** The leader's fence: a deposed leader's write fails with `FencedError`. */
  fence: FenceToken;
}

/**
 * Writes a host's desired allocations — conditional on `expectedEtag` (`ConflictError` if someone
 * wrote since) and fenced — then publishes the change. If the publish fails the write stands and
 * the error is thrown: the agent still sees it at its next poll (within `wait` seconds).
 *
 * @example
 * const current = await repository.get(desiredKey('acme', 'h-1'));
 * await writeDesired({ repository, redis, prefix: 'slipway', fence,
 *   document: { tenant: 'acme', host: 'h-1', allocations }, expectedEtag: current?.etag ?? null });
 */
export async function writeDesired(options: WriteDesiredOptions): Promise<{ etag: string }> {
  const { repository, document, fence } = options;
  const written =
    options.expectedEtag === null
      ? await repository.create(document, { fence })
      : await repository.replace(document, { ifMatch: options.expectedEtag, fence });
  await publishDesiredChange(options.redis, options.prefix, document.tenant, document.host);
  return { etag: written.etag };
}
