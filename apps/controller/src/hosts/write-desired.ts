import type { FenceToken, Repository } from '@slipway/state';
import type { Redis } from 'ioredis';
import type { DesiredAllocations } from './desired-allocations.js';
import { forgetDesiredEtag, recordDesiredEtag } from './desired-etag.js';
import { desiredChangedChannel } from './host-redis-keys.js';

/**
 * Tells every replica that `host`'s desired allocations changed, so the agent's long-poll answers
 * now. Whoever writes the document calls it after the write ({@link writeDesired} does, with the
 * new etag, through `recordDesiredEtag`).
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
 * wrote since) and fenced — then records the new etag in Redis and publishes the change (see
 * `desired-etag.ts`: the recorded etag is deleted before the write, so it is never older than the
 * document). If Redis fails after the write, the write stands and the error is thrown: with no
 * recorded etag the agent's next poll reads the document itself.
 *
 * @example
 * const current = await repository.get(desiredKey('acme', 'h-1'));
 * await writeDesired({ repository, redis, prefix: 'slipway', fence,
 *   document: { tenant: 'acme', host: 'h-1', allocations }, expectedEtag: current?.etag ?? null });
 */
export async function writeDesired(options: WriteDesiredOptions): Promise<{ etag: string }> {
  const { repository, document, fence, redis, prefix } = options;
  await forgetDesiredEtag(redis, prefix, document.tenant, document.host);
  const written =
    options.expectedEtag === null
      ? await repository.create(document, { fence })
      : await repository.replace(document, { ifMatch: options.expectedEtag, fence });
  await recordDesiredEtag(redis, prefix, document.tenant, document.host, written.etag);
  return { etag: written.etag };
}
