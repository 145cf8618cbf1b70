import { setTimeout as sleep } from 'node:timers/promises';
import type { Secret } from '@slipway/secrets';
import type { Redis } from 'ioredis';
import type { CircleciClient, PipelineState } from '../api/circleci-client.js';
import { workflowEventsKey } from './circleci-keys.js';
import {
  type PipelineOutcome,
  pipelineOutcome,
  pipelineUrlOf,
  type WorkflowState,
  workflowUrlOf,
} from './pipeline-outcome.js';
import type { HandedOffPipeline } from './pipeline-trigger.js';

export interface FollowPipelineOptions {
  client: Pick<CircleciClient, 'listWorkflows' | 'getPipeline'>;
  token: Secret;
  redis: Redis;
  prefix: string;
  tenant: string;
  projectSlug: string;
  pipeline: HandedOffPipeline;
  /** CircleCI's web app, for workflow links. */
  appUrl: string;
  /** How often the API is asked when no webhook came (the fallback). */
  pollIntervalMs: number;
  /** How often the webhook events recorded in Redis are looked at (one HGETALL). */
  webhookCheckMs: number;
  /** A pipeline whose config was read but that made no workflow this long after the trigger ran none. */
  noWorkflowMs: number;
  /** Given up this long after the trigger (counted across the job's attempts). */
  timeoutMs: number;
  /** Called with every workflow whenever one appears or changes status: the check run mirrors them. */
  onWorkflows?: (workflows: readonly FollowedWorkflow[]) => Promise<void>;
  /** Asked every round; throws to stop following (a newer push superseded the build). */
  check?: () => Promise<void>;
  signal?: AbortSignal;
  now?: () => number;
}

/** A workflow of the followed pipeline, with its page on CircleCI. */
export type FollowedWorkflow = WorkflowState & { url: string };

/** How a followed pipeline ended. */
export type FollowedPipeline =
  /** Its workflows ended: the one that decided it, and its page. */
  | (Exclude<PipelineOutcome, { state: 'running' }> & { workflowUrl: string })
  /** CircleCI could not run the config (a YAML error, an undeclared parameter): its own messages. */
  | { state: 'errored'; errors: PipelineState['errors']; pipelineUrl: string }
  /** The config ran but made no workflow (filters excluded every one). */
  | { state: 'no-workflow'; pipelineUrl: string }
  /** Still not over at the deadline: the workflows as last seen. */
  | { state: 'timed-out'; workflows: FollowedWorkflow[]; pipelineUrl: string };

/**
 * Follows a pipeline until it ends. Webhooks first: each round reads the `workflow-completed`
 * events the receiver recorded for this tenant and pipeline — a failed or cancelled workflow ends
 * it at once; a successful one makes the API be asked right away whether every workflow is over.
 * Polling is the fallback: `GET /pipeline/:id/workflow` every `pollIntervalMs` (and once at the
 * start, to link the workflow early), so a lost webhook only delays the end. While no workflow is
 * listed, the pipeline itself is read too: CircleCI reports a config it could not run there, and
 * no workflow would ever come. Level-triggered: a retried job following the same pipeline
 * converges the same way, against the same deadline.
 */
export async function followPipeline(options: FollowPipelineOptions): Promise<FollowedPipeline> {
  const { client, token, redis, pipeline } = options;
  const now = options.now ?? Date.now;
  const key = workflowEventsKey(options.prefix, options.tenant, pipeline.id);
  const where = { projectSlug: options.projectSlug, pipelineNumber: pipeline.number };
  const pipelineUrl = pipelineUrlOf(options.appUrl, where);
  const urlOf = (workflowId: string) => workflowUrlOf(options.appUrl, { ...where, workflowId });
  const deadline = pipeline.triggeredAt + options.timeoutMs;
  let nextPollAt = 0;
  let eventsSeen = 0;
  let mirrored = '';
  let known: FollowedWorkflow[] = [];
  for (;;) {
    options.signal?.throwIfAborted();
    await options.check?.();
    const events = Object.values(await redis.hgetall(key)).map(
      (json) => JSON.parse(json) as FollowedWorkflow,
    );
    const fromEvents = pipelineOutcome(events);
    if (fromEvents.state === 'failed' || fromEvents.state === 'cancelled')
      return {
        ...fromEvents,
        workflowUrl: urlFrom(events, fromEvents.workflow.id) ?? urlOf(fromEvents.workflow.id),
      };
    const newEvent = events.length > eventsSeen;
    eventsSeen = events.length;
    if (newEvent || now() >= nextPollAt) {
      known = merge(await client.listWorkflows(token, pipeline.id), events, urlOf);
      const signature = known.map((workflow) => `${workflow.id}:${workflow.status}`).join(',');
      if (signature !== mirrored) {
        mirrored = signature;
        if (known.length > 0) await options.onWorkflows?.(known);
      }
      const outcome = pipelineOutcome(known);
      if (outcome.state !== 'running')
        return { ...outcome, workflowUrl: urlFrom(known, outcome.workflow.id) ?? urlOf(outcome.workflow.id) };
      if (known.length === 0) {
        const described = await client.getPipeline(token, pipeline.id);
        if (described.state === 'errored') return { state: 'errored', errors: described.errors, pipelineUrl };
        if (described.state === 'created' && now() >= pipeline.triggeredAt + options.noWorkflowMs)
          return { state: 'no-workflow', pipelineUrl };
      }
      nextPollAt = now() + options.pollIntervalMs;
    }
    if (now() >= deadline) return { state: 'timed-out', workflows: known, pipelineUrl };
    await sleep(options.webhookCheckMs, undefined, options.signal ? { signal: options.signal } : {});
  }
}

/** The API's listing, where a webhook's terminal status wins over a listing that has not caught up yet. */
function merge(
  listed: readonly WorkflowState[],
  events: readonly FollowedWorkflow[],
  urlOf: (workflowId: string) => string,
): FollowedWorkflow[] {
  const merged = listed.map((workflow) => {
    const event = events.find((candidate) => candidate.id === workflow.id);
    return {
      id: workflow.id,
      name: workflow.name,
      status: event?.status ?? workflow.status,
      url: event?.url ?? urlOf(workflow.id),
    };
  });
  for (const event of events) if (!merged.some((workflow) => workflow.id === event.id)) merged.push(event);
  return merged;
}

function urlFrom(workflows: readonly FollowedWorkflow[], id: string): string | undefined {
  return workflows.find((workflow) => workflow.id === id)?.url;
}
