import {
  archiveBuildLog,
  BuildLogWriter,
  BuildSupersededError,
  type DeployQueue,
  enqueueDeploy,
  findRelease,
  type PolicySource,
} from '@slipway/builder-docker';
import type { ImageRegistry } from '@slipway/cloud';
import { evaluateBuildStart, type Release } from '@slipway/core';
import { type BuildJob, buildJobSchema, latestBuild } from '@slipway/queue';
import type { Repositories } from '@slipway/state';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CircleciClient } from '../api/circleci-client.js';
import type { CircleciSecrets } from '../circleci-secrets.js';
import { CircleciError } from '../errors.js';
import { type CircleciFeedback, checkRunText, noCircleciFeedback } from '../feedback/circleci-check-run.js';
import { archiveOf, circleciRunOf, recordCircleciBuild } from './build-records.js';
import { endUnsuccessfully } from './end-build.js';
import { type HandOffProgress, handOff } from './hand-off.js';
import { cancelRunningWorkflows } from './pipeline-trigger.js';

export interface CircleciBuildDeps {
  client: CircleciClient;
  secrets: Pick<CircleciSecrets, 'token'>;
  /** Where CircleCI pushes: the same registry (and repository naming) as native builds. */
  registry: ImageRegistry;
  repos: Pick<Repositories, 'releases' | 'builds' | 'buildLogs'>;
  policies: PolicySource;
  deploys: DeployQueue;
  /** Supersede markers, webhook events, the live build log; the caller owns it. */
  redis: Redis;
  /** Redis key prefix, as given to createQueues. */
  prefix: string;
  feedback?: CircleciFeedback;
  logger: Logger;
  /** CircleCI's web app, for workflow links. Default https://app.circleci.com. */
  appUrl?: string;
  /** API polling, the fallback when no webhook comes. Default 30 s. */
  pollIntervalMs?: number;
  /** How long a pipeline is followed, from its trigger, before the build fails. Default 6 h. */
  timeoutMs?: number;
  /** How long a pipeline may have no workflow before it "ran nothing". Default 5 min. */
  noWorkflowMs?: number;
  /** How often recorded webhook events (and the supersede marker) are looked at. Default 1 s. */
  webhookCheckMs?: number;
  /** False when the queue will run the job again after a retryable failure. Default true. */
  finalAttempt?: boolean;
  signal?: AbortSignal;
  now?: () => Date;
}

export type CircleciBuildResult =
  | { status: 'succeeded'; release: Release; buildId: string; pipelineNumber: number | null }
  | { status: 'cancelled'; supersededBy: string };

/**
 * Runs one `builder: circleci` build job: superseded? → allowed by policy? → Build running,
 * check run in_progress → Release already there (an earlier attempt)? → the tenant's token →
 * ensure the repository → trigger the pipeline (once per job: a retry follows the one it
 * triggered) with the repository and the commit sha as tag → follow it (webhooks, polling) →
 * verify `<repository>:<sha>` exists → Release (digest from the registry, create-only) → deploy
 * job → Build succeeded, check run success.
 *
 * Failed or cancelled workflows, a missing image, a refused request and a missing token are final;
 * an unreachable CircleCI (or Redis, the state store) is retried by the queue: the check run says
 * "Retrying" and only the last attempt records the failure.
 */
export async function runCircleciBuild(
  input: BuildJob,
  deps: CircleciBuildDeps,
): Promise<CircleciBuildResult> {
  const job = parseJob(input);
  const run = circleciRunOf(job);
  const now = deps.now ?? (() => new Date());
  const feedback = deps.feedback ?? noCircleciFeedback;
  const logger = deps.logger.child(run.fields);
  const log = new BuildLogWriter(deps.redis, {
    tenant: job.tenant,
    buildId: run.buildId,
    prefix: deps.prefix,
  });
  const target = { job, jobId: run.jobId, buildId: run.buildId };
  const superseded = async () => {
    const latest = await latestBuild(deps.redis, {
      tenant: job.tenant,
      service: job.service,
      ref: job.ref,
      prefix: deps.prefix,
    });
    if (latest !== undefined && latest !== job.commit) throw new BuildSupersededError(latest);
  };
  const handed: HandOffProgress = {};
  try {
    await superseded();
    await assertAllowed(deps.policies, job);
    const startedAt = now();
    await recordCircleciBuild(deps.repos.builds, run, { status: 'running', at: startedAt });
    await feedback.update(target, { status: 'in_progress', startedAt, text: checkRunText.triggering(job) });
    let release = await findRelease(deps.repos.releases, run);
    if (release) {
      log.write(`Release ${release.id} was already recorded by an earlier attempt; nothing to hand off.`);
    } else {
      release = await handOff(run, deps, { log, logger, feedback, target, superseded, now }, handed);
    }
    await enqueueDeploy(deps.deploys, run, release);
    log.write(`Release ${release.id} recorded: ${release.image}@${release.digest}`);
    const finishedAt = now();
    await log.end('succeeded');
    await archiveBuildLog({ ...archiveOf(deps, log), status: 'succeeded', finishedAt });
    await recordCircleciBuild(deps.repos.builds, run, {
      status: 'succeeded',
      at: finishedAt,
      releaseId: release.id,
    });
    await feedback.update(target, {
      conclusion: 'success',
      text: checkRunText.succeeded(job, release),
      ...(handed.workflowUrl ? { detailsUrl: handed.workflowUrl } : {}),
    });
    logger.info({ releaseId: release.id, digest: release.digest }, 'CircleCI build succeeded');
    return {
      status: 'succeeded',
      release,
      buildId: run.buildId,
      pipelineNumber: handed.pipeline?.number ?? null,
    };
  } catch (error) {
    if (error instanceof BuildSupersededError && handed.pipeline && handed.token)
      await cancelRunningWorkflows(deps, handed.token, handed.pipeline, logger);
    const { workflowUrl } = handed;
    await endUnsuccessfully({ run, deps, log, logger, feedback, target, error, now, workflowUrl });
    if (error instanceof BuildSupersededError)
      return { status: 'cancelled', supersededBy: error.supersededBy };
    throw error;
  }
}

async function assertAllowed(policies: PolicySource, job: BuildJob): Promise<void> {
  const { policy } = await policies.get(job.tenant);
  const decision = evaluateBuildStart(policy, { builder: 'circleci', runningBuilds: 0 });
  if (!decision.allowed)
    throw new CircleciError(
      'BUILD_REFUSED',
      `The tenant's policy does not allow this build: ${decision.denials.map((denial) => denial.message).join('; ')}.`,
    );
}

function parseJob(input: BuildJob): BuildJob {
  const parsed = buildJobSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new CircleciError(
    'INVALID_BUILD_JOB',
    `Invalid build job: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
  );
}
