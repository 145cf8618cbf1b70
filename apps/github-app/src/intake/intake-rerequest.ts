import type { SlipwayConfig } from '@slipway/core';
import { type BuildKey, buildJobId, parseBuildJobId, type WebhookEventJob } from '@slipway/queue';
import type { ProbotOctokit } from 'probot';
import {
  buildCheckName,
  CONFIG_CHECK_NAME,
  rerunUnknownOutput,
  SETUP_CHECK_NAME,
  serviceOfBuildCheck,
} from './check-run-text.js';
import { ensureCheckRuns } from './ensure-check-runs.js';
import { environmentForBranch } from './environment-for-branch.js';
import { statusOf } from './github-failure.js';
import type { IntakeStep } from './intake-deps.js';
import { intakePush, type PushOutcome } from './intake-push.js';
import { commitRef, loadCommitConfig } from './load-commit-config.js';
import { queueBuilds } from './queue-builds.js';
import type { CommitRef } from './read-slipway-yaml.js';

/** What became of a check_run.rerequested delivery; for logs and tests. */
export type RerunOutcome = PushOutcome | 'not-ours' | 'rerun-queued' | 'rerun-unplaced';

/**
 * "Re-run" on one of Slipway's check runs.
 *
 * - `Slipway build / <service>`: that one service is built again at the check run's commit, as
 *   a new attempt (job id `…​.a<n+1>`, from the run's external id) with a new queued check run
 *   GitHub shows in place of the old one. slipway.yaml is read again at the commit; the build
 *   goes where the re-run one went (its job, else the branch GitHub names). A re-run counts as a
 *   push received now: if a newer commit holds the line, the re-run commit takes it back.
 * - `Slipway config` / `Slipway` (the binding request): the whole push intake runs again for
 *   that commit and branch — after fixing the binding, say.
 * - Anything else — another app's check run, `Slipway preview` — is left alone.
 */
export async function intakeRerequest(step: IntakeStep, job: WebhookEventJob): Promise<RerunOutcome> {
  const { checkRun, sha, ref: branch } = job.subset;
  const repository = job.repository;
  if (!checkRun || !sha || !repository) return 'ignored';
  if (checkRun.name === CONFIG_CHECK_NAME || checkRun.name === SETUP_CHECK_NAME) {
    if (!branch) {
      step.logger.info({ checkRun: checkRun.name }, 'no branch for the re-run commit; push again to retry');
      return 'ignored';
    }
    return intakePush(step, {
      ...job,
      event: 'push',
      subset: { ref: `refs/heads/${branch}`, sha, deleted: false },
    });
  }
  const service = serviceOfBuildCheck(checkRun.name);
  if (service === undefined) {
    step.logger.debug({ checkRun: checkRun.name }, 'not a check run Slipway re-runs');
    return 'ignored';
  }
  const octokit = await step.octokitFor(job.installationId);
  const at = commitRef(repository.fullName, sha);
  const previous = await rerunBuildOf(step, octokit, at, checkRun.id);
  if (!previous || previous.key.service !== service) {
    step.logger.info({ checkRunId: checkRun.id }, 'check run is not a Slipway build; not re-run');
    return 'not-ours';
  }
  const loaded = await loadCommitConfig(step, { octokit, at, installationId: job.installationId });
  if (!loaded.ok) return loaded.outcome;
  const { tenant, config, logger } = loaded;
  if (tenant !== previous.key.tenant) {
    logger.warn({ was: previous.key.tenant }, 'installation is bound to another tenant now; not re-run');
    return 'not-ours';
  }
  const attempt = (previous.key.attempt ?? 1) + 1;
  const place = await placeOf(step, previous.jobId, branch, config);
  if (!place) {
    const jobId = buildJobId({ tenant, service, environment: previous.key.environment, sha, attempt });
    await ensureCheckRuns(
      octokit,
      at,
      [
        {
          name: buildCheckName(service),
          conclusion: 'neutral',
          externalId: jobId,
          output: rerunUnknownOutput(service),
        },
      ],
      step.now,
    );
    logger.info({ service }, 'cannot tell where the re-run build goes; asked for a push');
    return 'rerun-unplaced';
  }
  const { queued } = await queueBuilds(step, {
    octokit,
    at,
    tenant,
    config,
    environment: place.environment,
    ref: place.ref,
    installationId: job.installationId,
    repository,
    deliveryId: job.deliveryId,
    pushedAt: Date.parse(job.receivedAt),
    only: [service],
    attempt,
    logger,
  });
  return queued.length > 0 ? 'rerun-queued' : 'superseded';
}

/** The build a check run showed — only if it is this app's run and its external id is a build job id. */
async function rerunBuildOf(
  step: IntakeStep,
  octokit: ProbotOctokit,
  at: CommitRef,
  checkRunId: number,
): Promise<{ jobId: string; key: BuildKey } | undefined> {
  let run: Awaited<ReturnType<ProbotOctokit['rest']['checks']['get']>>['data'];
  try {
    ({ data: run } = await octokit.rest.checks.get({
      owner: at.owner,
      repo: at.repo,
      check_run_id: checkRunId,
    }));
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
  if (run.app?.id !== step.appId || !run.external_id) return undefined;
  const key = parseBuildJobId(run.external_id);
  return key && key.sha === at.sha ? { jobId: run.external_id, key } : undefined;
}

/**
 * Where a re-run build goes: where its job went (jobs are kept 3 days, 14 when failed), else
 * the environment slipway.yaml maps the check suite's branch to; undefined when neither is known.
 */
async function placeOf(
  step: IntakeStep,
  jobId: string,
  branch: string | undefined,
  config: SlipwayConfig,
): Promise<{ ref: string; environment: string } | undefined> {
  const job = (await step.queues.builds.getJob(jobId)) ?? (await step.queues.circleciBuilds.getJob(jobId));
  if (job) return { ref: job.data.ref, environment: job.data.environment };
  const environment = branch ? environmentForBranch(config.branches, branch) : undefined;
  return branch && environment ? { ref: `refs/heads/${branch}`, environment } : undefined;
}
