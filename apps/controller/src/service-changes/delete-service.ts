import { ConflictError, serviceKey } from '@slipway/state';
import { ApiError } from '../api/errors.js';
import type { ApiServices } from '../api/services.js';
import { wakeScheduler } from './wake-scheduler.js';

/**
 * Deletes a service's record; the scheduler, woken, removes its allocations. Its releases stay:
 * they are history.
 */
export async function deleteService(
  services: Pick<ApiServices, 'repos' | 'scheduler' | 'logger'>,
  input: { tenant: string; environment: string; service: string },
): Promise<void> {
  const key = serviceKey({ tenant: input.tenant, environment: input.environment, name: input.service });
  const stored = await services.repos.services.get(key);
  if (!stored) throw ApiError.notFound(`service '${input.environment}/${input.service}'`);
  try {
    await services.repos.services.delete(key, { ifMatch: stored.etag });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    throw ApiError.conflict(
      `service '${input.environment}/${input.service}' changed while it was being deleted; read it again and retry`,
    );
  }
  services.logger.info({ ...input }, 'service deleted');
  await wakeScheduler(services, input.tenant);
}
