import type Docker from 'dockerode';
import type { Redis } from 'ioredis';

/** The Docker label every test-made container, network and image carries, valued with its prefix. */
export const testLabel = 'io.slipway.test';

/**
 * Removes every container, network and image whose labels match `label` ("key=value" or "key").
 * Runs each removal even when one fails, then reports all failures together.
 */
export async function cleanupDocker(docker: Docker, label: string): Promise<void> {
  const filters = JSON.stringify({ label: [label] });
  const failures: unknown[] = [];
  const attempt = async (remove: () => Promise<unknown>) => {
    try {
      await remove();
    } catch (error) {
      // Already gone (404) is success: another cleanup or the engine got there first.
      if ((error as { statusCode?: number }).statusCode !== 404) failures.push(error);
    }
  };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map((c) => attempt(() => docker.getContainer(c.Id).remove({ force: true, v: true }))),
  );
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((n) => attempt(() => docker.getNetwork(n.Id).remove())));
  // Newest first, one at a time: a child image must go before the parent it was built from.
  const images = (await docker.listImages({ filters })).sort((a, b) => b.Created - a.Created);
  for (const image of images) await attempt(() => docker.getImage(image.Id).remove({ force: true }));
  if (failures.length > 0)
    throw new AggregateError(failures, `cleanup of Docker objects labelled ${label} failed`);
}

/** Deletes every Redis key that starts with `prefix` (SCAN, never KEYS, so a big database is not blocked). */
export async function cleanupRedis(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
