import { createHash } from 'node:crypto';
import type { Release, ReleaseConfig, Service } from '@slipway/core';
import { ConflictError, type Repository, releaseKey } from '@slipway/state';

/** JSON with object keys sorted, so equal values always hash alike. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a release of `service` runs with (replicas are scaling, not a release). */
export function releaseConfigOf(service: Service): ReleaseConfig {
  return {
    port: service.port,
    resources: service.resources,
    health: service.health,
    env: service.env,
    secrets: service.secrets,
  };
}

/**
 * The id of an image service's release: a hash of everything it is made of, so asking again for
 * the same image and config finds the same release instead of making another.
 */
export function imageReleaseId(input: {
  tenant: string;
  environment: string;
  service: string;
  image: string;
  digest: string | null;
  config: ReleaseConfig;
}): string {
  const hash = createHash('sha256')
    .update(
      stableJson([input.tenant, input.environment, input.service, input.image, input.digest, input.config]),
    )
    .digest('hex');
  return `img-${hash.slice(0, 32)}`;
}

/**
 * Records the release of an image service (or finds the identical one made before) and returns
 * it. Releases are immutable: an existing one is reused as it is.
 */
export async function ensureImageRelease(
  releases: Repository<Release>,
  input: { service: Service; image: string; digest: string | null; now: number },
): Promise<Release> {
  const { service } = input;
  const config = releaseConfigOf(service);
  const id = imageReleaseId({
    tenant: service.tenant,
    environment: service.environment,
    service: service.name,
    image: input.image,
    digest: input.digest,
    config,
  });
  const key = releaseKey({
    tenant: service.tenant,
    environment: service.environment,
    service: service.name,
    id,
  });
  const existing = await releases.get(key);
  if (existing) return existing.value;
  const release: Release = {
    id,
    tenant: service.tenant,
    service: service.name,
    environment: service.environment,
    image: input.image,
    digest: input.digest,
    config,
    commit: null,
    buildId: null,
    createdAt: new Date(input.now).toISOString(),
  };
  try {
    return (await releases.create(release)).value;
  } catch (error) {
    // Made by a concurrent request for the same image and config: the same release.
    if (error instanceof ConflictError) return (await releases.require(key)).value;
    throw error;
  }
}
