import type { Service } from '@slipway/core';
import { ConflictError, serviceKey } from '@slipway/state';
import { ApiError } from '../api/errors.js';
import type { ApiServices } from '../api/services.js';
import { platformRegistriesFor } from './platform-registries.js';
import { assertServiceChangeAllowed } from './policy-check.js';
import { listTenantServices, othersThan } from './tenant-services.js';
import { wakeScheduler } from './wake-scheduler.js';

type ScaleSources = Pick<ApiServices, 'repos' | 'policies' | 'registry' | 'scheduler' | 'logger'>;

export interface ScaleInput {
  tenant: string;
  environment: string;
  service: string;
  replicas: number;
}

/** Two tries: a change that lands between our read and write is re-read and re-checked once. */
const ATTEMPTS = 2;

/**
 * Sets a service's replicas if the policy allows it, with a conditional write on the etag read.
 * 404 for a service the tenant does not have; 409 when it keeps changing underneath.
 */
export async function scaleService(services: ScaleSources, input: ScaleInput): Promise<Service> {
  const key = serviceKey({ tenant: input.tenant, environment: input.environment, name: input.service });
  for (let attempt = 1; ; attempt++) {
    const stored = await services.repos.services.get(key);
    if (!stored) throw ApiError.notFound(`service '${input.environment}/${input.service}'`);
    const scaled: Service = { ...stored.value, replicas: input.replicas };
    const all = await listTenantServices(services, input.tenant);
    assertServiceChangeAllowed({
      policy: (await services.policies.get(input.tenant)).policy,
      service: scaled,
      others: othersThan(all, scaled),
      isNew: false,
      platformRegistries:
        scaled.source.kind === 'image' ? await platformRegistriesFor(services.registry) : [],
      fieldOf: () => 'body.replicas',
    });
    try {
      const written = await services.repos.services.replace(scaled, { ifMatch: stored.etag });
      services.logger.info(
        {
          tenant: input.tenant,
          environment: input.environment,
          service: input.service,
          replicas: input.replicas,
        },
        'service scaled',
      );
      await wakeScheduler(services, input.tenant);
      return written.value;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if (attempt >= ATTEMPTS) {
        throw ApiError.conflict(
          `service '${input.environment}/${input.service}' kept changing while it was scaled; read it again and retry`,
        );
      }
    }
  }
}
