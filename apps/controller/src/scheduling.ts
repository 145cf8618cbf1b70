import { createDeployFeedbackQueue } from '@slipway/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ApiServices } from './api/services.js';
import { startDeployWorker } from './deploys/deploy-worker.js';
import type { LeaderLoop } from './loops/leader-loop.js';
import { startPreviewTeardownWorker } from './previews/preview-teardown-worker.js';
import { type SchedulerLoopOptions, schedulerLoop } from './scheduler/scheduler-loop.js';

export type SchedulingTimings = Partial<
  Pick<SchedulerLoopOptions, 'graceMs' | 'tickMs' | 'resyncMs' | 'drainMs' | 'progressDeadlineMs'>
> & { serviceUrlTemplate: string };

/**
 * The scheduler (leader only), the deploy and preview-teardown workers (every replica). Both need Redis, where
 * heartbeats, wake-ups and the deploys queue live; without it the controller serves its API only.
 */
export function schedulingOf(
  services: ApiServices,
  redis: Redis | undefined,
  prefix: string,
  logger: Logger,
  timings: SchedulingTimings,
): { loops: LeaderLoop[]; close(): Promise<void> } {
  const status = services.hosts.status;
  if (!redis || !status || !services.scheduler) {
    logger.warn('no REDIS_URL: the scheduler and the deploy worker do not run on this controller');
    return { loops: [], close: async () => undefined };
  }
  const deploys = startDeployWorker({
    repos: services.repos,
    policies: services.policies,
    redis,
    prefix,
    signals: services.scheduler,
    logger: logger.child({ component: 'deploys' }),
  });
  const teardowns = startPreviewTeardownWorker({
    repos: services.repos,
    redis,
    prefix,
    signals: services.scheduler,
    logger: logger.child({ component: 'preview-teardowns' }),
  });
  const { serviceUrlTemplate, ...schedulerTimings } = timings;
  // Rollout changes for the GitHub App's deploy check runs: the controller never calls GitHub.
  const deployFeedback = createDeployFeedbackQueue({ connection: redis, prefix });
  deployFeedback.on('error', (error) =>
    logger.warn({ err: error }, 'deploy-feedback queue: connection problem'),
  );
  const scheduler = schedulerLoop({
    ...schedulerTimings,
    deployFeedback: { queue: deployFeedback, serviceUrlTemplate },
    repos: services.repos,
    policies: services.policies,
    desired: services.hosts.desired,
    status,
    signals: services.scheduler,
    redis,
    prefix,
  });
  return {
    loops: [scheduler],
    close: () => closeAll([() => deploys.close(), () => teardowns.close(), () => deployFeedback.close()]),
  };
}

/** Runs every close, even when one fails, and throws their failures together. */
async function closeAll(closes: ReadonlyArray<() => Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(closes.map((close) => close()));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failures.length > 0) throw new AggregateError(failures, 'closing the scheduling parts failed');
}
