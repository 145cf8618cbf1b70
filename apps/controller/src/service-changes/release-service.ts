import type { Release, Service } from '@slipway/core';
import { ConflictError, releaseKey, serviceKey } from '@slipway/state';
import { ApiError } from '../api/errors.js';
import type { ApiServices } from '../api/services.js';
import { resolveImageDigest } from './image-digest.js';
import { ensureImageRelease } from './image-release.js';
import { platformRegistriesFor } from './platform-registries.js';
import { assertServiceChangeAllowed } from './policy-check.js';
import { listTenantServices, othersThan } from './tenant-services.js';
import { wakeScheduler } from './wake-scheduler.js';

type Sources = Pick<ApiServices, 'repos' | 'policies' | 'registry' | 'scheduler' | 'logger' | 'now'>;

export interface ServiceRef {
  tenant: string;
  environment: string;
  service: string;
}

/**
 * Makes `release` (one of the service's own) its current release — a deploy, or a rollback to an
 * older one; the leader's rollout engine then moves the allocations, health-gated. 404 for an
 * unknown service or a release of another service; the release must still pass the policy.
 */
export async function setCurrentRelease(
  services: Sources,
  ref: ServiceRef,
  releaseId: string,
): Promise<{ service: Service; release: Release }> {
  const stored = await services.repos.releases.get(releaseKey({ ...ref, id: releaseId }));
  if (!stored)
    throw ApiError.notFound(`release '${releaseId}' of service '${ref.environment}/${ref.service}'`);
  const release = stored.value;
  const key = serviceKey({ tenant: ref.tenant, environment: ref.environment, name: ref.service });
  for (let attempt = 1; ; attempt++) {
    const current = await services.repos.services.get(key);
    if (!current) throw ApiError.notFound(`service '${ref.environment}/${ref.service}'`);
    const { port, resources, health, env, secrets } = release.config;
    // An image service's source follows the image it now runs.
    const source: Service['source'] =
      current.value.source.kind === 'image' ? { kind: 'image', image: release.image } : current.value.source;
    const next: Service = {
      ...current.value,
      source,
      port,
      resources,
      health,
      env,
      secrets,
      release: release.id,
    };
    const all = await listTenantServices(services, ref.tenant);
    assertServiceChangeAllowed({
      policy: (await services.policies.get(ref.tenant)).policy,
      service: {
        ...next,
        source: next.source.kind === 'image' ? { kind: 'image', image: release.image } : next.source,
      },
      others: othersThan(all, next),
      isNew: false,
      platformRegistries: await platformRegistriesFor(services.registry),
      fieldOf: () => 'body.release',
    });
    try {
      const written = await services.repos.services.replace(next, { ifMatch: current.etag });
      services.logger.info(
        { ...ref, release: release.id, image: release.image },
        'service release set; the rollout engine takes it from here',
      );
      await wakeScheduler(services, ref.tenant);
      return { service: written.value, release };
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 2) {
        if (error instanceof ConflictError)
          throw ApiError.conflict(
            `service '${ref.environment}/${ref.service}' kept changing; read it again and retry`,
          );
        throw error;
      }
    }
  }
}

/** Deploys a new image to an image service: records its release (digest pinned when the platform registry has it), then makes it current. */
export async function deployImage(
  services: Sources,
  ref: ServiceRef,
  image: string,
): Promise<{ service: Service; release: Release }> {
  const key = serviceKey({ tenant: ref.tenant, environment: ref.environment, name: ref.service });
  const stored = await services.repos.services.get(key);
  if (!stored) throw ApiError.notFound(`service '${ref.environment}/${ref.service}'`);
  if (stored.value.source.kind !== 'image')
    throw ApiError.invalid(
      `service '${ref.environment}/${ref.service}' is built from ${stored.value.source.repo}: push to deploy it, or roll back to one of its releases`,
      [{ path: 'body.image', message: 'only image services are deployed by image' }],
    );
  const digest = await resolveImageDigest({
    registry: services.registry,
    platformRegistries: await platformRegistriesFor(services.registry),
    image,
    tenant: ref.tenant,
    logger: services.logger,
  });
  const release = await ensureImageRelease(services.repos.releases, {
    service: { ...stored.value, source: { kind: 'image', image } },
    image,
    digest,
    now: services.now(),
  });
  return setCurrentRelease(services, ref, release.id);
}
