import { type SlipwayConfig, serviceSettingsIn } from '@slipway/core';
import { type BuildJob, buildJobId, buildJobSchema, markLatestBuild } from '@slipway/queue';
import type { Logger } from 'pino';
import type { ProbotOctokit } from 'probot';
import {
  boundOutput,
  buildCheckName,
  queuedBuildOutput,
  SETUP_CHECK_NAME,
  supersededOutput,
} from './check-run-text.js';
import { ensureCheckRuns, type WantedCheckRun } from './ensure-check-runs.js';
import type { IntakeStep } from './intake-deps.js';
import { isPreviewEnvironment } from './preview-environment.js';
import type { CommitRef } from './read-slipway-yaml.js';

export interface QueueBuildsOptions {
  octokit: ProbotOctokit;
  at: CommitRef;
  tenant: string;
  config: SlipwayConfig;
  environment: string;
  /** The build line: `refs/heads/<branch>`, or `refs/pull/<n>/head` for a preview. */
  ref: string;
  installationId: number;
  repository: BuildJob['repository'];
  deliveryId: string;
  /** When the delivery was received (ms): the order of pushes on a line. */
  pushedAt: number;
  /** Only these services (a re-run); default every service with a build. */
  only?: readonly string[];
  /** 2 and up for a re-run; default 1. */
  attempt?: number;
  logger: Logger;
}

export interface QueuedBuilds {
  /** Services with a build job (new, or there already). */
  queued: string[];
  /** Services whose line a later push already holds: no job, a skipped check run. */
  superseded: string[];
}

/**
 * Fans one commit out into one build job per service with a build, with a queued check run
 * "Slipway build / <service>" each (external id = the job id). Native builds go to the `builds`
 * queue, `builder: circleci` ones (same job) to `circleci-builds` for the CircleCI hand-off.
 * Image services have nothing to build.
 *
 * Each service's line (tenant, service, ref) is marked with this commit first: a push received
 * later already holding the line means this one is superseded at birth, so it gets no job —
 * only a skipped check run saying so. Builders stop builds that get superseded later.
 * Every step is idempotent (marker, job ids, check runs by external id), so a retry repairs a
 * half-done fan-out.
 */
export async function queueBuilds(step: IntakeStep, options: QueueBuildsOptions): Promise<QueuedBuilds> {
  const { tenant, at, environment, ref } = options;
  const sha = at.sha;
  const queued: Array<{ name: string; data: BuildJob; opts: { jobId: string } }> = [];
  const handedOff: typeof queued = [];
  const checkRuns: WantedCheckRun[] = [];
  const superseded: string[] = [];
  for (const [service, config] of Object.entries(options.config.services)) {
    if (config.source.kind !== 'build') continue;
    if (options.only && !options.only.includes(service)) continue;
    const jobId = buildJobId({
      tenant,
      service,
      environment,
      sha,
      ...(options.attempt ? { attempt: options.attempt } : {}),
    });
    const line = { tenant, service, ref, prefix: step.queues.prefix };
    const mark = await markLatestBuild(step.redis, line, sha, options.pushedAt);
    if (!mark.latest) {
      superseded.push(service);
      checkRuns.push({
        name: buildCheckName(service),
        conclusion: 'skipped',
        externalId: jobId,
        output: supersededOutput(service, ref, mark.previous),
      });
      continue;
    }
    const { dockerfile, context, args } = config.source;
    const data: BuildJob = {
      tenant,
      service,
      environment,
      commit: sha,
      ref,
      installationId: options.installationId,
      repository: options.repository,
      deliveryId: options.deliveryId,
      build: { dockerfile, context, args },
      config: {
        port: config.port,
        resources: config.resources,
        health: config.health,
        env: config.env,
        secrets: config.secrets,
      },
      serviceDefaults: {
        source: {
          kind: 'build',
          repo: options.repository.fullName,
          path: context,
          dockerfile,
          args,
          builder: config.source.builder,
        },
        ...serviceSettingsIn(options.config, config, {
          environment,
          preview: isPreviewEnvironment(environment),
        }),
        visibility: config.visibility,
      },
      ...(options.attempt && options.attempt > 1 ? { attempt: options.attempt } : {}),
    };
    // Same job, other queue: a CircleCI service's build is handed to builders/circleci.
    const target = config.source.builder === 'circleci' ? handedOff : queued;
    target.push({ name: 'build', data: buildJobSchema.parse(data), opts: { jobId } });
    checkRuns.push({
      name: buildCheckName(service),
      status: 'queued',
      externalId: jobId,
      output: queuedBuildOutput(service, environment, sha),
    });
  }
  // Check runs first: a builder may take the job the moment it is added, and it reports on the
  // check run with the job's external id — were that not there yet, it would make a second one.
  // A check run left without its job (the intake died in between) is repaired by BullMQ's retry
  // of this delivery, which finds the runs already there and adds the jobs.
  // A binding request left on this commit (it was pushed before the installation was bound) is answered.
  const created = await ensureCheckRuns(options.octokit, at, checkRuns, step.now, [
    { name: SETUP_CHECK_NAME, output: boundOutput(tenant) },
  ]);
  if (queued.length > 0) await step.queues.builds.addBulk(queued);
  if (handedOff.length > 0) await step.queues.circleciBuilds.addBulk(handedOff);
  const result = { queued: [...queued, ...handedOff].map(({ data }) => data.service), superseded };
  options.logger.info(
    { environment, ref, attempt: options.attempt ?? 1, ...result, checkRunsCreated: created.length },
    result.queued.length > 0 ? 'builds queued' : 'no builds queued',
  );
  return result;
}
