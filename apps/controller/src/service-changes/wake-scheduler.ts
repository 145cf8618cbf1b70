import type { ApiServices } from '../api/services.js';

/**
 * Asks the leader to replan `tenant` after a write. A failure is only logged: the write stands,
 * and the leader's periodic resync picks the change up (DESIGN.md §4 rule 1).
 */
export async function wakeScheduler(services: Pick<ApiServices, 'scheduler' | 'logger'>, tenant: string) {
  try {
    await services.scheduler?.wake(tenant);
  } catch (error) {
    services.logger.warn(
      { err: error, tenant },
      'could not wake the scheduler; the leader’s periodic resync will pick the change up',
    );
  }
}
