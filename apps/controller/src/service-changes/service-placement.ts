import type { ApiServices } from '../api/services.js';
import type { ServiceEdgeStatus } from '../edge/edge-status.js';
import type { ServiceVerdicts } from '../redis/service-verdicts.js';
import { placementField, type ServicePlacement } from '../scheduler/scheduler-signals.js';

/** What the leader's loops last made of each of a tenant's services, for the service views. */
export interface ServiceVerdictsOf {
  placement(environment: string, service: string): ServicePlacement | null;
  edge(environment: string, service: string): ServiceEdgeStatus | null;
}

/**
 * The scheduler's and the AWS edge's verdicts for the tenant (none without Redis). A Redis
 * failure is logged and read as "no verdict yet": the services themselves are still worth showing.
 */
export async function readServiceVerdicts(
  services: Pick<ApiServices, 'scheduler' | 'edgeStatus' | 'logger'>,
  tenant: string,
): Promise<ServiceVerdictsOf> {
  const [placements, edges] = await Promise.all([
    readOrEmpty(services.scheduler, tenant, services, 'the scheduler’s placements'),
    readOrEmpty(services.edgeStatus, tenant, services, 'the edge statuses'),
  ]);
  return {
    placement: (environment, service) => placements.get(placementField(environment, service)) ?? null,
    edge: (environment, service) => edges.get(placementField(environment, service)) ?? null,
  };
}

async function readOrEmpty<T>(
  verdicts: Pick<ServiceVerdicts<T>, 'read'> | undefined,
  tenant: string,
  { logger }: Pick<ApiServices, 'logger'>,
  what: string,
): Promise<Map<string, T>> {
  try {
    return (await verdicts?.read(tenant)) ?? new Map();
  } catch (error) {
    logger.warn({ err: error, tenant }, `could not read ${what}; shown as null`);
    return new Map();
  }
}
