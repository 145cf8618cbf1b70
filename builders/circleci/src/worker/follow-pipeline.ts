import { setTimeout as sleep } from 'node:timers/promises';
import type { Secret } from '@slipway/secrets';
import type { Redis } from 'ioredis';
import type { CircleciClient, TriggeredPipeline } from '../api/circleci-client.js';
import { workflowEventsKey } from './circleci-keys.js';
import {
  type PipelineOutcome,
  pipelineOutcome,
  type WorkflowState,
  workflowUrlOf,
} from './pipeline-outcome.js';

export interface FollowPipelineOptions {
  client: Pick<CircleciClient, 'listWorkflows'>;
  token: Secret;
  redis: Redis;
  prefix: string;
  tenant: string;
  projectSlug: string;
  pipeline: TriggeredPipeline;
  /** CircleCI's web app, for workflow links. */
  appUrl: string;
  /** How often the API is asked when no webhook came (the fallback). */
  pollIntervalMs: number;
  /** How often the webhook events recorded in Redis are looked at (one HGETALL). */
  webhookCheckMs: number;
  /** Called once, when the first workflow is known: the check run links it. */
  onWorkflow?: (url: string) => Promise<void>;
  /** Asked every round; throws to stop following (a newer push superseded the build). */
  check?: () => Promise<void>;
  signal?: AbortSignal;
}

/** How a followed pipeline ended, with the page of the workflow that decided it. */
export type FollowedPipeline = Exclude<PipelineOutcome, { state: 'running' }> & { workflowUrl: string };

type Known = WorkflowState & { url: string };

/**
 * Follows a pipeline until it ends. Webhooks first: each round reads the `workflow-completed`
 * events the receiver recorded for this tenant and pipeline — a failed or cancelled workflow ends
 * it at once; a successful one makes the API be asked right away whether every workflow is over.
 * Polling is the fallback: `GET /pipeline/:id/workflow` every `pollIntervalMs` (and once at the
 * start, to link the workflow early), so a lost webhook only delays the end. Level-triggered: a
 * retried job following the same pipeline converges the same way.
 */
export async function followPipeline(options: FollowPipelineOptions): Promise<FollowedPipeline> {
  const { client, token, redis, pipeline } = options;
  const key = workflowEventsKey(options.prefix, options.tenant, pipeline.id);
  const urlOf = (workflowId: string) =>
    workflowUrlOf(options.appUrl, {
      projectSlug: options.projectSlug,
      pipelineNumber: pipeline.number,
      workflowId,
    });
  let nextPollAt = 0;
  let eventsSeen = 0;
  let linked = false;
  for (;;) {
    options.signal?.throwIfAborted();
    await options.check?.();
    const events = Object.values(await redis.hgetall(key)).map((json) => JSON.parse(json) as Known);
    const fromEvents = pipelineOutcome(events);
    if (fromEvents.state === 'failed' || fromEvents.state === 'cancelled')
      return {
        ...fromEvents,
        workflowUrl: urlFrom(events, fromEvents.workflow.id) ?? urlOf(fromEvents.workflow.id),
      };
    const newEvent = events.length > eventsSeen;
    eventsSeen = events.length;
    if (newEvent || Date.now() >= nextPollAt) {
      const listed = await client.listWorkflows(token, pipeline.id);
      // A webhook's terminal status wins over an API listing that has not caught up yet.
      const merged: Known[] = listed.map((workflow) => {
        const event = events.find((candidate) => candidate.id === workflow.id);
        return {
          ...workflow,
          status: event?.status ?? workflow.status,
          url: event?.url ?? urlOf(workflow.id),
        };
      });
      for (const event of events)
        if (!merged.some((workflow) => workflow.id === event.id)) merged.push(event);
      const first = merged[0];
      if (first && !linked) {
        linked = true;
        await options.onWorkflow?.(first.url);
      }
      const outcome = pipelineOutcome(merged);
      if (outcome.state !== 'running')
        return {
          ...outcome,
          workflowUrl: urlFrom(merged, outcome.workflow.id) ?? urlOf(outcome.workflow.id),
        };
      nextPollAt = Date.now() + options.pollIntervalMs;
    }
    await sleep(options.webhookCheckMs, undefined, options.signal ? { signal: options.signal } : {});
  }
}

function urlFrom(workflows: readonly Known[], id: string): string | undefined {
  return workflows.find((workflow) => workflow.id === id)?.url;
}
