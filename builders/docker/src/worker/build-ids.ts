import { createHash } from 'node:crypto';
import type { BuildKey } from '@slipway/queue';

/**
 * What identifies one build: one service of one tenant at one commit for one environment (and,
 * for a re-run, its attempt) — the build job's key (`@slipway/queue`'s `BuildKey`).
 */
export type BuildIdentity = BuildKey;

// Record ids are at most 64 lowercase characters; tenant + service + environment + sha are longer, so they are hashed.
function digest(kind: string, key: BuildIdentity, extra = ''): string {
  return createHash('sha256')
    .update(`${kind}\n${key.tenant}\n${key.service}\n${key.environment}\n${key.sha}${extra}`)
    .digest('hex');
}

/**
 * The build id of a job, deterministic so a retry writes to the same log stream and labels the
 * image the same way: `b-<sha7>-<hash>`, readable enough to match a commit by eye. A re-run
 * (attempt ≥ 2) gets an id of its own, hence a fresh log stream and Build record.
 *
 * @example buildIdFor({ tenant: 'acme', service: 'web', environment: 'production', sha }) // 'b-3f2c1aa-9d0e…'
 */
export function buildIdFor(key: BuildIdentity): string {
  const attempt = key.attempt ?? 1;
  return `b-${key.sha.slice(0, 7)}-${digest('build', key, attempt === 1 ? '' : `\n${attempt}`).slice(0, 32)}`;
}

/**
 * The release id of a build, deterministic so a retried job finds the Release it (or a crashed
 * attempt) already recorded instead of making a second one. One per tenant, service, environment
 * and commit: a re-run of the same commit finds the same Release.
 */
export function releaseIdFor(key: BuildIdentity): string {
  return `r-${key.sha.slice(0, 7)}-${digest('release', key).slice(0, 32)}`;
}
