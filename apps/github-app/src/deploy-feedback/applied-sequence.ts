import type { Redis } from 'ioredis';

/** Long past any rollout's last job (jobs of one rollout arrive within minutes). */
const APPLIED_TTL_S = 14 * 24 * 60 * 60;
/**
 * Longer than one job's GitHub calls — up to four writes (check run, deployment, status, comment),
 * which probot's throttling spaces 1 s (comments 3 s) apart across every job of the process; a
 * crashed holder's lock frees itself after this.
 */
const LOCK_TTL_MS = 120_000;

/** A rollout of a tenant: every key names the tenant (DESIGN rule 4). */
export interface RolloutRef {
  tenant: string;
  rolloutId: string;
}

/**
 * `<prefix>:deploy-feedback-seq:<tenant>:<rollout>`: the highest sequence shown on GitHub for a
 * rollout. Beside, not inside, BullMQ's own `<prefix>:deploy-feedback:*` keys.
 */
export const appliedSequenceKey = (prefix: string, rollout: RolloutRef) =>
  `${prefix}:deploy-feedback-seq:${rollout.tenant}:${rollout.rolloutId}`;
const lockKey = (prefix: string, rollout: RolloutRef) =>
  `${prefix}:deploy-feedback-lock:${rollout.tenant}:${rollout.rolloutId}`;

/** The highest sequence of the rollout already shown, or null. */
export async function appliedSequence(
  redis: Redis,
  prefix: string,
  rollout: RolloutRef,
): Promise<number | null> {
  const value = await redis.get(appliedSequenceKey(prefix, rollout));
  return value === null ? null : Number(value);
}

// KEYS[1] the applied sequence; ARGV: sequence, ttl. Only ever moves up.
const MARK = `
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0
`;

/** Records that `sequence` is shown, unless a higher one already is. */
export async function markSequenceApplied(
  redis: Redis,
  prefix: string,
  rollout: RolloutRef,
  sequence: number,
): Promise<void> {
  await redis.eval(MARK, 1, appliedSequenceKey(prefix, rollout), String(sequence), String(APPLIED_TTL_S));
}

// KEYS[1] the lock; ARGV[1] the holder. Deletes only the holder's own lock.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * One job of a rollout at a time, across workers and replicas: two jobs of one rollout applied
 * at once could reach GitHub in the wrong order. Returns the release, or undefined when another
 * job holds the rollout.
 */
export async function lockRollout(
  redis: Redis,
  prefix: string,
  rollout: RolloutRef,
  holder: string,
): Promise<(() => Promise<void>) | undefined> {
  return takeLock(redis, lockKey(prefix, rollout), holder);
}

/**
 * Takes the lock `key` for `holder` (SET NX, expiring after 2 min should the holder crash).
 * Returns its release, which deletes only the holder's own lock, or undefined when it is held.
 */
export async function takeLock(
  redis: Redis,
  key: string,
  holder: string,
): Promise<(() => Promise<void>) | undefined> {
  const taken = await redis.set(key, holder, 'PX', LOCK_TTL_MS, 'NX');
  if (taken !== 'OK') return undefined;
  return async () => {
    await redis.eval(RELEASE, 1, key, holder);
  };
}
