import { createHash } from 'node:crypto';

/** What identifies one build: one service of one tenant at one commit. */
export interface BuildIdentity {
  tenant: string;
  service: string;
  sha: string;
}

// Record ids are at most 64 lowercase characters; tenant + service + sha can be 167, so they are hashed.
function digest(kind: string, key: BuildIdentity): string {
  return createHash('sha256').update(`${kind}\n${key.tenant}\n${key.service}\n${key.sha}`).digest('hex');
}

/**
 * The build id of a job, deterministic so a retry writes to the same log stream and labels the
 * image the same way: `b-<sha7>-<hash>`, readable enough to match a commit by eye.
 *
 * @example buildIdFor({ tenant: 'acme', service: 'web', sha }) // 'b-3f2c1aa-9d0e…'
 */
export function buildIdFor(key: BuildIdentity): string {
  return `b-${key.sha.slice(0, 7)}-${digest('build', key).slice(0, 32)}`;
}

/**
 * The release id of a build, deterministic so a retried job finds the Release it (or a crashed
 * attempt) already recorded instead of making a second one.
 */
export function releaseIdFor(key: BuildIdentity): string {
  return `r-${key.sha.slice(0, 7)}-${digest('release', key).slice(0, 32)}`;
}
