import { assertKeySegment } from '@slipway/state';

/** Workflow-completed events the webhook receiver verified, per tenant and pipeline: a hash workflow id → JSON. */
export function workflowEventsKey(prefix: string, tenant: string, pipelineId: string): string {
  assertKeySegment(tenant, 'tenant id');
  return `${prefix}:circleci:workflows:${tenant}:${encodeURIComponent(pipelineId)}`;
}

/** The pipeline a build job triggered, so a retried job follows it instead of triggering another. */
export function triggeredPipelineKey(prefix: string, tenant: string, jobId: string): string {
  assertKeySegment(tenant, 'tenant id');
  return `${prefix}:circleci:pipeline:${tenant}:${jobId}`;
}

/** A day: CircleCI's own job timeout is 5 hours, and the API answers for longer anyway. */
export const WORKFLOW_EVENTS_TTL_S = 24 * 60 * 60;
/** As long as BullMQ keeps a failed job: a re-run within that time still finds its pipeline. */
export const TRIGGERED_PIPELINE_TTL_S = 14 * 24 * 60 * 60;
