import type { Release, Rollout, Service } from '@slipway/core';
import { type DeployFeedbackJob, enqueueDeployFeedback } from '@slipway/queue';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { rolloutFeedbackJob, serviceUrl } from './rollout-feedback.js';

/** Where the scheduler reports rollouts for the GitHub App ("Slipway deploy / <service>"). */
export interface DeployFeedbackProducer {
  queue: Queue<DeployFeedbackJob>;
  /** `SLIPWAY_SERVICE_URL_TEMPLATE`, see {@link serviceUrl}. */
  serviceUrlTemplate: string;
}

/**
 * Enqueues, for each rollout just written whose release came from GitHub, one deploy-feedback
 * job describing it as it now is. The controller never calls GitHub (DESIGN rule 6): the GitHub
 * App takes it from there. Best effort: a failure is logged and never fails the scheduling pass
 * — the next change of the rollout carries its whole state again.
 */
export async function enqueueRolloutFeedback(
  producer: DeployFeedbackProducer,
  written: readonly Rollout[],
  known: { releases: ReadonlyMap<string, Release>; services: readonly Service[] },
  logger: Logger,
): Promise<void> {
  await Promise.all(
    written.map(async (rollout) => {
      const service = known.services.find(
        (s) => s.name === rollout.service && s.environment === rollout.environment,
      );
      const url = service?.visibility === 'public' ? serviceUrl(producer.serviceUrlTemplate, rollout) : null;
      const job = rolloutFeedbackJob(rollout, known.releases.get(rollout.toRelease), url);
      if (!job) return;
      try {
        await enqueueDeployFeedback(producer.queue, job);
      } catch (error) {
        logger.warn(
          {
            err: error,
            tenant: rollout.tenant,
            environment: rollout.environment,
            service: rollout.service,
            rollout: rollout.id,
            sequence: job.sequence,
          },
          'deploy feedback not enqueued: GitHub shows this rollout step late or not at all',
        );
      }
    }),
  );
}
