import type { Release } from '@slipway/core';
import { type DeployJob, deployJobSchema } from '@slipway/queue';
import type { Queue } from 'bullmq';
import type { BuildRun } from './build-run.js';

/** The part of the deploys queue a builder uses. */
export type DeployQueue = Pick<Queue<DeployJob>, 'add'>;

/**
 * Hands a recorded Release to the controller. The job id is the release id, so a retried build
 * (or a re-run that found the Release) adds nothing while the first job is still known to BullMQ.
 * Every builder ends this way (the native one and the CircleCI hand-off): `run` is the build job
 * that made the Release, for the commit and the GitHub origin the deploy reports to.
 *
 * @example
 * await enqueueDeploy(queues.deploys, { job }, release);
 */
export async function enqueueDeploy(
  deploys: DeployQueue,
  run: Pick<BuildRun, 'job'>,
  release: Release,
): Promise<void> {
  const { job } = run;
  const data = deployJobSchema.parse({
    tenant: release.tenant,
    environment: release.environment,
    service: release.service,
    releaseId: release.id,
    commit: job.commit,
    ref: job.ref,
    installationId: job.installationId,
    repository: job.repository,
    deliveryId: job.deliveryId,
    ...(job.serviceDefaults ? { serviceDefaults: job.serviceDefaults } : {}),
  });
  await deploys.add('deploy', data, { jobId: release.id });
}
