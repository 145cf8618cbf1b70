import {
  BuildLogWriter,
  BuildSupersededError,
  type DeployQueue,
  enqueueDeploy,
  findRelease,
  type PolicySource,
  recordRelease,
} from '@slipway/builder-docker';
import type { ImageRegistry } from '@slipway/cloud';
import { evaluateBuildStart, type Release } from '@slipway/core';
import { type BuildJob, buildJobSchema, latestBuild } from '@slipway/queue';
import type { Secret } from '@slipway/secrets';
import type { Repositories } from '@slipway/state';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CircleciClient, TriggeredPipeline } from '../api/circleci-client.js';
import { PIPELINE_PARAMETERS, projectSlugOf } from '../api/circleci-project.js';
import { CIRCLECI_TOKEN, type CircleciSecrets } from '../circleci-secrets.js';
import { CircleciError } from '../errors.js';
import { type CircleciFeedback, checkRunText, noCircleciFeedback } from '../feedback/circleci-check-run.js';
import { circleciRunOf, recordCircleciBuild, releaseOf } from './build-records.js';
import { endUnsuccessfully } from './end-build.js';
import { type FollowedPipeline, followPipeline } from './follow-pipeline.js';
import { cancelRunningWorkflows, triggerOnce } from './pipeline-trigger.js';

export const CIRCLECI_APP_URL = 'https://app.circleci.com';

export interface CircleciBuildDeps {
  client: CircleciClient;
  secrets: Pick<CircleciSecrets, 'token'>;
  /** Where CircleCI pushes: the same registry (and repository naming) as native builds. */
  registry: ImageRegistry;
  repos: Pick<Repositories, 'releases' | 'builds'>;
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
  let workflowUrl: string | undefined;
  let pipeline: TriggeredPipeline | undefined;
  let token: Secret | undefined;
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
      token = await deps.secrets.token(job.tenant);
      if (!token)
        throw new CircleciError(
          'CIRCLECI_NOT_CONFIGURED',
          `Tenant ${job.tenant} has no ${CIRCLECI_TOKEN} secret. Store a CircleCI personal API token as the tenant's ${CIRCLECI_TOKEN} secret, then re-run this check.`,
        );
      const repository = await deps.registry.ensureRepository({ tenant: job.tenant, service: job.service });
      const image = `${repository.repositoryUri}:${job.commit}`;
      const projectSlug = projectSlugOf(job.repository.fullName);
      pipeline = await triggerOnce(deps, run, token, {
        projectSlug,
        repositoryUri: repository.repositoryUri,
      });
      log.write(
        `CircleCI pipeline #${pipeline.number} (${pipeline.id}) of ${projectSlug} builds and pushes ${image}.`,
      );
      logger.info(
        { pipelineId: pipeline.id, pipelineNumber: pipeline.number },
        'CircleCI pipeline triggered',
      );
      const running = checkRunText.running(job, pipeline.number, image);
      await feedback.update(target, { status: 'in_progress', text: running });
      const followed: FollowedPipeline = await followPipeline({
        client: deps.client,
        token,
        redis: deps.redis,
        prefix: deps.prefix,
        tenant: job.tenant,
        projectSlug,
        pipeline,
        appUrl: deps.appUrl ?? CIRCLECI_APP_URL,
        pollIntervalMs: deps.pollIntervalMs ?? 30_000,
        webhookCheckMs: deps.webhookCheckMs ?? 1000,
        check: superseded,
        onWorkflow: async (url) => {
          workflowUrl = url;
          log.write(`Workflow: ${url}`);
          await feedback.update(target, { status: 'in_progress', text: running, detailsUrl: url });
        },
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      workflowUrl = followed.workflowUrl;
      log.write(`Workflow ${followed.workflow.name} ended: ${followed.workflow.status}.`);
      if (followed.state === 'failed')
        throw new CircleciError(
          'WORKFLOW_FAILED',
          `The CircleCI workflow "${followed.workflow.name}" of pipeline #${pipeline.number} ended ${followed.workflow.status}. Its log is at ${followed.workflowUrl}; fix the pipeline and push again.`,
          { workflowUrl },
        );
      if (followed.state === 'cancelled')
        throw new CircleciError(
          'WORKFLOW_CANCELLED',
          `The CircleCI workflow "${followed.workflow.name}" of pipeline #${pipeline.number} was cancelled on CircleCI. Re-run this check to build again.`,
          { workflowUrl },
        );
      await superseded();
      const found = await deps.registry.imageExists({ repository: repository.name, tag: job.commit });
      if (!found)
        throw new CircleciError(
          'IMAGE_MISSING',
          `CircleCI pipeline #${pipeline.number} succeeded but the image ${image} is not in the registry: tag ${job.commit} is missing. The pipeline must push << pipeline.parameters.${PIPELINE_PARAMETERS.repository} >>:<< pipeline.parameters.${PIPELINE_PARAMETERS.tag} >> (see examples/circleci/.circleci/config.yml).`,
          { workflowUrl },
        );
      release = await recordRelease(
        deps.repos.releases,
        releaseOf(run, { reference: image, digest: found.digest }, now()),
      );
    }
    await enqueueDeploy(deps.deploys, run, release);
    log.write(`Release ${release.id} recorded: ${release.image}@${release.digest}`);
    await log.end('succeeded');
    await recordCircleciBuild(deps.repos.builds, run, {
      status: 'succeeded',
      at: now(),
      releaseId: release.id,
    });
    await feedback.update(target, {
      conclusion: 'success',
      text: checkRunText.succeeded(job, release),
      ...(workflowUrl ? { detailsUrl: workflowUrl } : {}),
    });
    logger.info({ releaseId: release.id, digest: release.digest }, 'CircleCI build succeeded');
    return { status: 'succeeded', release, buildId: run.buildId, pipelineNumber: pipeline?.number ?? null };
  } catch (error) {
    if (error instanceof BuildSupersededError && pipeline && token)
      await cancelRunningWorkflows(deps, token, pipeline, logger);
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
