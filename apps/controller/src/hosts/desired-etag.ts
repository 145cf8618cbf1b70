import type { Redis } from 'ioredis';
import { desiredChangedChannel, hostRedisKey } from './host-redis-keys.js';

/**
 * The etag of each host's desired document, copied into Redis by its writer, so a long-poll can
 * tell "nothing changed" without a GET to the state store (DESIGN.md §4 rule 8: agents poll all
 * day). Derived state, never the truth: a missing value or a Redis error means "read the store";
 * only a value equal to the etag the agent has lets a poll skip the read. To keep a value from
 * ever being older than the document, a writer deletes it before writing and sets it after;
 * if the second step fails the value is simply missing. The scheduler's passes also bring the
 * values in line with the etags they list ({@link reconcileDesiredEtags}), which fills them in for
 * documents written before (or beside) this and repairs anything else.
 */

/** How long a recorded etag lasts; each scheduler pass over the tenant renews it. */
export const DESIRED_ETAG_TTL_SECONDS = 24 * 3600;

const keyOf = (prefix: string, tenant: string, host: string) =>
  hostRedisKey(prefix, tenant, host, 'desired-etag');

/** The recorded etag, or undefined when there is none or Redis cannot say (then read the store). */
export async function readDesiredEtag(
  redis: Redis,
  prefix: string,
  tenant: string,
  host: string,
): Promise<string | undefined> {
  try {
    return (await redis.get(keyOf(prefix, tenant, host))) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Step one of a write: forget the etag (throws if Redis is unreachable; then do not write). */
export async function forgetDesiredEtag(
  redis: Redis,
  prefix: string,
  tenant: string,
  host: string,
): Promise<void> {
  await redis.del(keyOf(prefix, tenant, host));
}

/**
 * Step two: record the etag just written (none: the document was deleted) and tell every replica
 * (`desired-changed`), in one round trip.
 */
export async function recordDesiredEtag(
  redis: Redis,
  prefix: string,
  tenant: string,
  host: string,
  etag: string | undefined,
): Promise<void> {
  const multi = redis.multi();
  if (etag !== undefined) multi.set(keyOf(prefix, tenant, host), etag, 'EX', DESIRED_ETAG_TTL_SECONDS);
  multi.publish(desiredChangedChannel(prefix), JSON.stringify({ tenant, host }));
  const results = await multi.exec();
  const failed = results?.find(([error]) => error);
  if (!results || failed) throw failed?.[0] ?? new Error('redis: the desired-etag transaction was discarded');
}

const RECONCILE = `
for i, key in ipairs(KEYS) do
  local want = ARGV[i + 1]
  local have = redis.call('GET', key)
  if want == '' then
    if have then redis.call('DEL', key) end
  elseif not have then
    redis.call('SET', key, want, 'EX', ARGV[1])
  elseif have == want then
    redis.call('EXPIRE', key, ARGV[1])
  else
    redis.call('DEL', key)
  end
end
return 0`;

/**
 * Brings the recorded etags of `hosts` in line with what was just listed: a missing value is set,
 * an equal one renewed, a different one deleted (a write the lister has not seen may be under way:
 * deleting is always safe). A host with no document (undefined) has its value deleted.
 */
export async function reconcileDesiredEtags(
  redis: Redis,
  prefix: string,
  tenant: string,
  etags: ReadonlyMap<string, string | undefined>,
): Promise<void> {
  if (etags.size === 0) return;
  const hosts = [...etags.keys()];
  await redis.eval(
    RECONCILE,
    hosts.length,
    ...hosts.map((host) => keyOf(prefix, tenant, host)),
    String(DESIRED_ETAG_TTL_SECONDS),
    ...hosts.map((host) => etags.get(host) ?? ''),
  );
}
