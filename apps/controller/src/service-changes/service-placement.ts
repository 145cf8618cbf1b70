import type { ApiServices } from '../api/services.js';
import { placementField, type ServicePlacement } from '../scheduler/scheduler-signals.js';

/**
 * The scheduler's verdicts for the tenant (empty without Redis). A Redis failure is logged and
 * read as "no verdict yet": the services themselves are still worth showing.
 */
export async function readPlacements(
  services: Pick<ApiServices, 'scheduler' | 'logger'>,
  tenant: string,
): Promise<(environment: string, service: string) => ServicePlacement | null> {
  let verdicts = new Map<string, ServicePlacement>();
  try {
    verdicts = (await services.scheduler?.read(tenant)) ?? verdicts;
  } catch (error) {
    services.logger.warn({ err: error, tenant }, 'could not read the scheduler’s placements; shown as null');
  }
  return (environment, service) => verdicts.get(placementField(environment, service)) ?? null;
}
