import type { Release } from '@slipway/core';
import { splitTag } from '../push-image.js';

/** Which build wants a layer cache, and where it pushes. */
export interface CacheQuery {
  tenant: string;
  service: string;
  environment: string;
  /** The commit being built: its own Release (an earlier attempt's) is not a previous image. */
  commit: string;
  /** The repository this build pushes to, `<registry>/[<prefix>/]<tenant>/<service>`. */
  repository: string;
}

/** The image a build takes its layer cache from. */
export interface PreviousImage {
  /** `<repository>@sha256:…`: pinned by digest, so a moved tag cannot swap the cache under a build. */
  reference: string;
  releaseId: string;
  commit: string;
}

/**
 * The service's previous image: the newest Release (by `createdAt`) of the same tenant, service
 * and environment that Slipway built, of another commit, and that lives in `query.repository` —
 * the repository the build's registry credentials are for, so they are never sent to another
 * registry (an image a tenant adopted from elsewhere, or one pushed before the registry moved).
 * Pure: the caller reads the Releases.
 *
 * @example
 * previousImageOf(releases, { tenant: 'acme', service: 'web', environment: 'production', commit, repository: '127.0.0.1:5000/acme/web' })
 * // → { reference: '127.0.0.1:5000/acme/web@sha256:…', releaseId: 'r-…', commit: '…' } or undefined
 */
export function previousImageOf(releases: readonly Release[], query: CacheQuery): PreviousImage | undefined {
  let newest: (Release & { commit: string; digest: string }) | undefined;
  for (const release of releases) {
    if (!isCandidate(release, query)) continue;
    if (newest === undefined || isNewer(release, newest)) newest = release;
  }
  if (newest === undefined) return undefined;
  return {
    reference: `${query.repository}@${newest.digest}`,
    releaseId: newest.id,
    commit: newest.commit,
  };
}

function isCandidate(
  release: Release,
  query: CacheQuery,
): release is Release & { commit: string; digest: string } {
  return (
    release.tenant === query.tenant &&
    release.service === query.service &&
    release.environment === query.environment &&
    release.buildId !== null &&
    release.commit !== null &&
    release.commit !== query.commit &&
    release.digest !== null &&
    splitTag(release.image.split('@')[0] ?? release.image).repository === query.repository
  );
}

/** Newer by `createdAt`; equal times fall back to the id, so the choice never depends on listing order. */
function isNewer(release: Release, than: Release): boolean {
  const [a, b] = [Date.parse(release.createdAt), Date.parse(than.createdAt)];
  return a === b ? release.id > than.id : a > b;
}
