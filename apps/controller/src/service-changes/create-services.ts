import type { Service } from '@slipway/core';
import { ConflictError } from '@slipway/state';
import { ApiError, type FieldError } from '../api/errors.js';
import type { ApiServices } from '../api/services.js';
import { resolveImageDigest } from './image-digest.js';
import { ensureImageRelease } from './image-release.js';
import type { CreateRequest } from './parse-create-request.js';
import { platformRegistriesFor } from './platform-registries.js';
import { denialFields, policyDenied, serviceChangeDenials } from './policy-check.js';
import { serviceFromConfig } from './service-record.js';
import { listTenantServices } from './tenant-services.js';
import { wakeScheduler } from './wake-scheduler.js';

type CreateSources = Pick<ApiServices, 'repos' | 'policies' | 'registry' | 'scheduler' | 'logger' | 'now'>;

/**
 * Creates the requested services of `tenant`: all are checked first (none may exist yet; the
 * policy must allow each, counting the ones before it), so a refusal writes nothing. Image
 * services get their release at once; build services wait for their first build.
 */
export async function createServices(
  services: CreateSources,
  tenant: string,
  request: CreateRequest,
): Promise<Service[]> {
  const wanted = request.services.map((requested) => ({
    requested,
    service: serviceFromConfig(requested.config, {
      tenant,
      environment: request.environment,
      name: requested.name,
      repo: request.repo,
    }),
  }));
  const existing = await listTenantServices(services, tenant);
  const taken = wanted.filter(({ service }) =>
    existing.some((s) => s.environment === service.environment && s.name === service.name),
  );
  if (taken.length > 0) {
    throw ApiError.conflict(
      `${taken.map(({ service }) => `${service.environment}/${service.name}`).join(', ')} already exist${taken.length === 1 ? 's' : ''}; scale or delete ${taken.length === 1 ? 'it' : 'them'} instead`,
    );
  }

  const { policy } = await services.policies.get(tenant);
  const hasImage = wanted.some(({ service }) => service.source.kind === 'image');
  const platformRegistries = hasImage ? await platformRegistriesFor(services.registry) : [];
  const denied: FieldError[] = [];
  const counted = [...existing];
  for (const { requested, service } of wanted) {
    const denials = serviceChangeDenials({
      policy,
      service,
      others: counted,
      isNew: true,
      platformRegistries,
    });
    denied.push(...denialFields(denials, requested.fieldOf));
    counted.push(service);
  }
  if (denied.length > 0) throw policyDenied(denied);

  const created: Service[] = [];
  try {
    await storeServices(
      services,
      tenant,
      wanted.map((w) => w.service),
      platformRegistries,
      created,
    );
  } finally {
    if (created.length > 0) await wakeScheduler(services, tenant);
  }
  return created;
}

/** Writes each service (and an image service's release first), appending what it stored to `created`. */
async function storeServices(
  services: CreateSources,
  tenant: string,
  wanted: readonly Service[],
  platformRegistries: readonly string[],
  created: Service[],
): Promise<void> {
  for (const service of wanted) {
    let toStore = service;
    if (service.source.kind === 'image') {
      const digest = await resolveImageDigest({
        registry: services.registry,
        platformRegistries,
        image: service.source.image,
        tenant,
        logger: services.logger,
      });
      const release = await ensureImageRelease(services.repos.releases, {
        service,
        image: service.source.image,
        digest,
        now: services.now(),
      });
      toStore = { ...service, release: release.id };
    }
    try {
      created.push((await services.repos.services.create(toStore)).value);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      throw ApiError.conflict(
        `${service.environment}/${service.name} was created by another request meanwhile` +
          (created.length > 0 ? `; created before it: ${created.map((s) => s.name).join(', ')}` : ''),
      );
    }
    services.logger.info(
      { tenant, environment: service.environment, service: service.name, release: toStore.release },
      'service created',
    );
  }
}
