import type { Release } from '../domain/release.js';
import type { AllocationSpec } from './agent-actions.js';
import type { PlacedAllocation } from './placement-types.js';

/**
 * What an agent pulls for a release: `<repository>@<digest>` when the digest is known, so a
 * moved tag changes nothing; the image as given otherwise.
 *
 * @example pinnedImage({ image: '127.0.0.1:5000/acme/web:3f2c', digest: 'sha256:ab…' }) // '127.0.0.1:5000/acme/web@sha256:ab…'
 */
export function pinnedImage(release: Pick<Release, 'image' | 'digest'>): string {
  if (release.digest === null) return release.image;
  return `${repositoryOf(release.image)}@${release.digest}`;
}

/** The image reference without its tag or digest: a `:` after the last `/` starts a tag. */
function repositoryOf(image: string): string {
  const at = image.indexOf('@');
  const name = at === -1 ? image : image.slice(0, at);
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

/**
 * The spec an agent runs for one placed allocation: the release's frozen config (port,
 * resources, health, env, secret names — never values) and its pinned image.
 *
 * @example allocationSpecFor(release, { id: 'web-0-…', service: 'web', environment: 'production', slot: 0, host: 'h-1', release: release.id })
 */
export function allocationSpecFor(release: Release, allocation: PlacedAllocation): AllocationSpec {
  if (release.id !== allocation.release)
    throw new TypeError(`allocation ${allocation.id} runs release ${allocation.release}, not ${release.id}`);
  const { config } = release;
  return {
    allocation: allocation.id,
    tenant: release.tenant,
    service: allocation.service,
    environment: allocation.environment,
    release: release.id,
    slot: allocation.slot,
    image: pinnedImage(release),
    port: config.port,
    resources: { ...config.resources },
    env: { ...config.env },
    secrets: [...config.secrets],
    health: {
      path: config.health.path,
      intervalMs: config.health.intervalMs,
      timeoutMs: config.health.timeoutMs,
    },
  };
}
