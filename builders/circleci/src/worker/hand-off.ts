import { type BuildLogWriter, recordRelease } from '@slipway/builder-docker';
import type { Release } from '@slipway/core';
import type { Secret } from '@slipway/secrets';
import type { Logger } from 'pino';
import { PIPELINE_PARAMETERS, projectSlugOf } from '../api/circleci-project.js';
import { CIRCLECI_TOKEN } from '../circleci-secrets.js';
import { DEFAULT_NO_WORKFLOW_MS, DEFAULT_TIMEOUT_MS } from '../config/circleci-config.js';
import { CircleciError } from '../errors.js';
import { type CheckRunTarget, type CircleciFeedback, checkRunText } from '../feedback/circleci-check-run.js';
import { type CircleciRun, releaseOf } from './build-records.js';
import { type FollowedWorkflow, followPipeline } from './follow-pipeline.js';
import { succeededOrThrow } from './followed-errors.js';
import { cancelRunningWorkflows, type HandedOffPipeline, triggerOnce } from './pipeline-trigger.js';
import type { CircleciBuildDeps } from './run-circleci-build.js';

export const CIRCLECI_APP_URL = 'https://app.circleci.com';

/** What the build around the hand-off gives it. */
export interface HandOffContext {
  log: BuildLogWriter;
  logger: Logger;
  feedback: CircleciFeedback;
  target: CheckRunTarget;
  /** Throws `BuildSupersededError` when a newer push builds instead. */
  superseded: () => Promise<void>;
  now: () => Date;
}

/**
 * What the hand-off got to, for the build's ending when it throws: the pipeline to cancel when
 * superseded (with the token to do it), and the page the check run links.
 */
export interface HandOffProgress {
  token?: Secret;
  pipeline?: HandedOffPipeline;
  workflowUrl?: string;
}

/**
 * The tenant's token → ensure the repository → trigger the pipeline (once per job: a retry
 * follows the one it triggered) with the repository and the commit sha as tag → follow it
 * (webhooks, polling; the check run mirrors its workflows) → verify `<repository>:<sha>` exists →
 * the Release, pinned by the registry's digest (create-only). Fills `progress` as it goes.
 */
export async function handOff(
  run: CircleciRun,
  deps: CircleciBuildDeps,
  context: HandOffContext,
  progress: HandOffProgress,
): Promise<Release> {
  const { job } = run;
  const { log, logger, feedback, target } = context;
  const token = await deps.secrets.token(job.tenant);
  if (!token)
    throw new CircleciError(
      'CIRCLECI_NOT_CONFIGURED',
      `Tenant ${job.tenant} has no ${CIRCLECI_TOKEN} secret. Store a CircleCI personal API token as the tenant's ${CIRCLECI_TOKEN} secret, then re-run this check.`,
    );
  progress.token = token;
  const repository = await deps.registry.ensureRepository({ tenant: job.tenant, service: job.service });
  const image = `${repository.repositoryUri}:${job.commit}`;
  const projectSlug = projectSlugOf(job.repository.fullName);
  const pipeline = await triggerOnce(deps, run, token, {
    projectSlug,
    repositoryUri: repository.repositoryUri,
  });
  progress.pipeline = pipeline;
  log.write(
    `CircleCI pipeline #${pipeline.number} (${pipeline.id}) of ${projectSlug} builds and pushes ${image}.`,
  );
  logger.info({ pipelineId: pipeline.id, pipelineNumber: pipeline.number }, 'CircleCI pipeline triggered');
  await feedback.update(target, {
    status: 'in_progress',
    text: checkRunText.running(job, pipeline.number, image),
  });
  const followed = await followPipeline({
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
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    noWorkflowMs: deps.noWorkflowMs ?? DEFAULT_NO_WORKFLOW_MS,
    check: context.superseded,
    onWorkflows: async (workflows) => {
      const first = (workflows[0] as FollowedWorkflow).url;
      if (progress.workflowUrl === undefined) log.write(`Workflow: ${first}`);
      progress.workflowUrl = first;
      await feedback.update(target, {
        status: 'in_progress',
        text: checkRunText.running(job, pipeline.number, image, workflows),
        detailsUrl: first,
      });
    },
    now: () => context.now().getTime(),
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  // Slipway will not deploy what it stopped following: CircleCI's minutes are not spent on it either.
  if (followed.state === 'timed-out') await cancelRunningWorkflows(deps, token, pipeline, logger);
  const success = succeededOrThrow(followed, pipeline.number);
  progress.workflowUrl = success.workflowUrl;
  log.write(`Workflow ${success.workflowName} ended: success.`);
  await context.superseded();
  const found = await deps.registry.imageExists({ repository: repository.name, tag: job.commit });
  if (!found)
    throw new CircleciError(
      'IMAGE_MISSING',
      `CircleCI pipeline #${pipeline.number} succeeded but the image ${image} is not in the registry: tag ${job.commit} is missing. The pipeline must push << pipeline.parameters.${PIPELINE_PARAMETERS.repository} >>:<< pipeline.parameters.${PIPELINE_PARAMETERS.tag} >> (see examples/circleci/.circleci/config.yml).`,
      { workflowUrl: success.workflowUrl },
    );
  return recordRelease(
    deps.repos.releases,
    releaseOf(run, { reference: image, digest: found.digest }, context.now()),
  );
}
