import type { Secret } from '@slipway/secrets';
import type { Logger } from 'pino';
import type { TriggeredPipeline } from '../api/circleci-client.js';
import { PIPELINE_PARAMETERS, pipelineTargetOf } from '../api/circleci-project.js';
import type { CircleciRun } from './build-records.js';
import { TRIGGERED_PIPELINE_TTL_S, triggeredPipelineKey } from './circleci-keys.js';
import { pipelineOutcome } from './pipeline-outcome.js';
import type { CircleciBuildDeps } from './run-circleci-build.js';

/** A newer push builds instead: its CircleCI minutes are not spent on this one. Best effort. */
export async function cancelRunningWorkflows(
  deps: CircleciBuildDeps,
  token: Secret,
  pipeline: TriggeredPipeline,
  logger: Logger,
): Promise<void> {
  try {
    const workflows = await deps.client.listWorkflows(token, pipeline.id);
    for (const workflow of workflows)
      if (pipelineOutcome([workflow]).state === 'running')
        await deps.client.cancelWorkflow(token, workflow.id);
  } catch (error) {
    logger.warn({ pipelineId: pipeline.id, err: error }, 'could not cancel the superseded CircleCI workflow');
  }
}

/** A pipeline a build job triggered, and when (ms since the epoch): its follow deadline counts from there. */
export type HandedOffPipeline = TriggeredPipeline & { triggeredAt: number };

/** Triggers the job's pipeline, or finds the one an earlier attempt triggered. */
export async function triggerOnce(
  deps: CircleciBuildDeps,
  run: CircleciRun,
  token: Secret,
  where: { projectSlug: string; repositoryUri: string },
): Promise<HandedOffPipeline> {
  const key = triggeredPipelineKey(deps.prefix, run.job.tenant, run.jobId);
  const known = await deps.redis.get(key);
  if (known) return JSON.parse(known) as HandedOffPipeline;
  const triggeredAt = (deps.now?.() ?? new Date()).getTime();
  const triggered = await deps.client.triggerPipeline(token, {
    projectSlug: where.projectSlug,
    target: pipelineTargetOf(run.job.ref),
    parameters: {
      [PIPELINE_PARAMETERS.repository]: where.repositoryUri,
      [PIPELINE_PARAMETERS.tag]: run.job.commit,
    },
  });
  const pipeline = { id: triggered.id, number: triggered.number, triggeredAt };
  await deps.redis.set(key, JSON.stringify(pipeline), 'EX', TRIGGERED_PIPELINE_TTL_S);
  return pipeline;
}
