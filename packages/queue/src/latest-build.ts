import type { Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX } from './queue-names.js';

/** One service of one tenant on one branch: a newer push there supersedes older builds. */
export interface BuildLine {
  tenant: string;
  service: string;
  /** The pushed ref, e.g. `refs/heads/main`. */
  ref: string;
  /** Redis key prefix, as given to createQueues. Default `slipway`. */
  prefix?: string;
}

/** Markers outlive any build that could still be waiting for them. */
const LATEST_TTL_S = 14 * 24 * 60 * 60;

export function latestBuildKey(line: BuildLine): string {
  return `${line.prefix ?? DEFAULT_KEY_PREFIX}:build-latest:${line.tenant}:${line.service}:${line.ref}`;
}

// KEYS[1] marker; ARGV: sha, pushedAt (ms), ttl. The marker is "<pushedAt> <sha>"; it moves only
// forward in time, so pushes handled out of order cannot make an older commit the latest.
const MARK = `
local current = redis.call('GET', KEYS[1])
if current then
  local at, sha = string.match(current, '^(%d+) (%x+)$')
  if sha == ARGV[1] then return {1, sha} end
  if at and tonumber(at) > tonumber(ARGV[2]) then return {0, sha} end
  redis.call('SET', KEYS[1], ARGV[2] .. ' ' .. ARGV[1], 'EX', ARGV[3])
  return {1, sha or ''}
end
redis.call('SET', KEYS[1], ARGV[2] .. ' ' .. ARGV[1], 'EX', ARGV[3])
return {1, ''}
`;

export interface MarkLatestResult {
  /** False when a push received later already holds the line: this commit is superseded at birth. */
  latest: boolean;
  /** The commit that held the line before (the one now superseded), if any and if different. */
  previous?: string;
}

/**
 * Records `sha`, pushed at `pushedAt` (ms; when the webhook was received), as the newest commit
 * of a build line, unless a later push already is. Builders ask {@link isLatestBuild} before
 * and during a build and stop one that has been superseded.
 *
 * @example await markLatestBuild(redis, { tenant, service, ref }, sha, Date.parse(job.receivedAt));
 */
export async function markLatestBuild(
  redis: Redis,
  line: BuildLine,
  sha: string,
  pushedAt: number,
): Promise<MarkLatestResult> {
  const [latest, other] = (await redis.eval(
    MARK,
    1,
    latestBuildKey(line),
    sha,
    String(Math.floor(pushedAt)),
    String(LATEST_TTL_S),
  )) as [number, string];
  return latest === 1
    ? { latest: true, ...(other && other !== sha ? { previous: other } : {}) }
    : { latest: false, previous: other };
}

/** The newest commit of a build line, or undefined when none was marked (or the marker expired). */
export async function latestBuild(redis: Redis, line: BuildLine): Promise<string | undefined> {
  const value = await redis.get(latestBuildKey(line));
  return value?.split(' ')[1];
}

/** Whether `sha` may still build: it is the line's newest commit, or nothing newer was marked. */
export async function isLatestBuild(redis: Redis, line: BuildLine, sha: string): Promise<boolean> {
  const latest = await latestBuild(redis, line);
  return latest === undefined || latest === sha;
}
