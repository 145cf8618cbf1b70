import type { Queue } from 'bullmq';
import { type DeployFeedbackJob, deployFeedbackJobSchema } from './job-schemas.js';
import { QueueError } from './queue-error.js';

/**
 * The job id of one state of one rollout: `<tenant>.<rollout>.<sequence>`. `.` and not `:`, which
 * BullMQ refuses in custom ids; tenant and rollout ids are letters, digits and '-', so it parses back.
 */
export function deployFeedbackJobId(
  job: Pick<DeployFeedbackJob, 'tenant' | 'rolloutId' | 'sequence'>,
): string {
  return `${job.tenant}.${job.rolloutId}.${job.sequence}`;
}

/**
 * Adds one rollout state to the deploy-feedback queue for the GitHub App. The same rollout at
 * the same sequence adds one job however often it is enqueued (while the finished job is kept).
 *
 * @throws QueueError INVALID_JOB_PAYLOAD when `job` does not match the schema (a caller's bug).
 * @returns the job id.
 * @example
 * await enqueueDeployFeedback(queues.deployFeedback, job); // → 'acme.ro-00mfx2k3a1-1a2b3c4d.7'
 */
export async function enqueueDeployFeedback(
  queue: Queue<DeployFeedbackJob>,
  job: DeployFeedbackJob,
): Promise<string> {
  const parsed = deployFeedbackJobSchema.safeParse(job);
  if (!parsed.success) {
    throw new QueueError(
      'INVALID_JOB_PAYLOAD',
      `Deploy feedback job for rollout ${String(job.rolloutId)} is invalid: ${parsed.error.message}`,
      { cause: parsed.error },
    );
  }
  const jobId = deployFeedbackJobId(parsed.data);
  await queue.add('deploy-feedback', parsed.data, { jobId });
  return jobId;
}
