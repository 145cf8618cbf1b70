import type { Release } from '@slipway/core';
import { type BuildJob, buildJobSchema } from '@slipway/queue';
import { BuildSupersededError, InvalidBuildInputError } from '../errors.js';
import { noFeedback } from '../feedback/build-feedback.js';
import { loggedFeedback } from '../feedback/logged-feedback.js';
import { type BuiltImage, buildAndPush } from './build-and-push.js';
import { isFinalError } from './build-failure.js';
import type { BuildJobDeps, BuildJobResult } from './build-job-deps.js';
import { assertBuildAllowed } from './build-policy.js';
import { type BuildRun, openBuildRun } from './build-run.js';
import { enqueueDeploy } from './enqueue-deploy.js';
import {
  type FinishDeps,
  finishCancelled,
  finishFailed,
  finishSucceeded,
  markStarted,
  noteRetry,
} from './finish-build.js';
import { findRelease, recordRelease } from './record-release.js';
import { SupersedeWatch } from './supersede-watch.js';
import { silentLogger } from './worker-logger.js';

/**
 * Runs one build job: superseded? → allowed by policy? → Build running, check run in_progress →
 * Release already there? → ensure repository, plan, download, build (every line to the build's
 * log stream), push → record the immutable Release → enqueue its deploy → log end, archive,
 * Build succeeded, check run success. A newer push stops it (asked before, every second during,
 * and before the push): BuildSupersededError, Build and check run cancelled, no Release.
 *
 * Idempotent: the Release id comes from tenant/service/sha, so a retry finds the Release instead
 * of adding one, and every record it writes is conditional. Throws the builder's typed errors
 * after recording the failure (or, when `finalAttempt` is false and the error is worth
 * retrying, after noting the retry).
 *
 * @example
 * const { release } = await runBuildJob(job, { docker, registry, repos, policies, deploys, sourceFor, redis });
 */
export async function runBuildJob(input: BuildJob, deps: BuildJobDeps): Promise<BuildJobResult> {
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger ?? silentLogger;
  const run = openBuildRun(parseJob(input), deps, now());
  const finishing: FinishDeps = {
    redis: deps.redis,
    builds: deps.repos.builds,
    buildLogs: deps.repos.buildLogs,
    feedback: loggedFeedback(deps.feedback ?? noFeedback, logger),
    logger,
    now,
  };
  const watch = new SupersedeWatch({
    redis: deps.redis,
    line: run.line,
    sha: run.job.commit,
    logger,
    ...(deps.supersedeCheckMs === undefined ? {} : { intervalMs: deps.supersedeCheckMs }),
  });
  let release: Release;
  let image: BuiltImage | undefined;
  try {
    await watch.check();
    await assertBuildAllowed(deps.policies, run.job);
    await markStarted(run, finishing);
    const existing = await findRelease(deps.repos.releases, run);
    if (existing) {
      logger.info({ ...run.fields, releaseId: existing.id }, 'release already recorded; nothing to build');
      run.log.write(`Release ${existing.id} was already recorded by an earlier attempt; nothing to build.`);
      release = existing;
    } else {
      logger.info(run.fields, 'build started');
      watch.start();
      const signal = deps.signal ? AbortSignal.any([deps.signal, watch.signal]) : watch.signal;
      image = await buildAndPush(run, deps, { signal, beforePush: () => watch.check() });
      await watch.check();
      release = await recordRelease(deps.repos.releases, releaseOf(run, image, now()));
    }
  } catch (caught) {
    // However the stop surfaced (Docker's abort, p-retry's, the check itself), a superseded build says so.
    const error =
      watch.supersededBy && !(caught instanceof BuildSupersededError)
        ? new BuildSupersededError(watch.supersededBy, { cause: caught })
        : caught;
    await endUnsuccessfully(run, finishing, error, deps.finalAttempt ?? true);
    throw error;
  } finally {
    watch.stop();
  }
  return succeed(run, deps, finishing, release, image);
}

/** After the Release: deploy job, then the success records. Failures here retry the job, which finds the Release. */
async function succeed(
  run: BuildRun,
  deps: BuildJobDeps,
  finishing: FinishDeps,
  release: Release,
  image: BuiltImage | undefined,
): Promise<BuildJobResult> {
  await enqueueDeploy(deps.deploys, run, release);
  run.log.write(`Release ${release.id} recorded: ${release.image}@${release.digest}`);
  const durationMs = finishing.now().getTime() - run.startedAt;
  const success = {
    release,
    durationMs,
    cacheHits: image?.cacheHits ?? 0,
    steps: image?.steps ?? 0,
    built: image !== undefined,
    ...(image?.cacheFrom ? { cacheFrom: image.cacheFrom } : {}),
  };
  await finishSucceeded(run, finishing, success);
  finishing.logger.info(
    {
      ...run.fields,
      releaseId: release.id,
      digest: release.digest,
      cacheHits: success.cacheHits,
      cacheFrom: success.cacheFrom?.reference ?? null,
      durationMs,
    },
    'build succeeded',
  );
  return { ...success, buildId: run.buildId };
}

async function endUnsuccessfully(
  run: BuildRun,
  finishing: FinishDeps,
  error: unknown,
  finalAttempt: boolean,
) {
  if (error instanceof BuildSupersededError) await finishCancelled(run, finishing, error.supersededBy);
  else if (finalAttempt || isFinalError(error)) await finishFailed(run, finishing, error);
  else await noteRetry(run, finishing, error);
}

function releaseOf(run: BuildRun, image: BuiltImage, at: Date): Release {
  const { job } = run;
  return {
    id: run.releaseId,
    tenant: job.tenant,
    service: job.service,
    environment: job.environment,
    image: image.plan.tag,
    digest: image.digest,
    config: job.config,
    commit: job.commit,
    buildId: run.buildId,
    // So the GitHub App can report the rollout on the commit; the controller never calls GitHub.
    origin: { installationId: job.installationId, repository: job.repository, ref: job.ref },
    createdAt: at.toISOString(),
  };
}

function parseJob(input: BuildJob): BuildJob {
  const parsed = buildJobSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidBuildInputError(
    parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    { cause: parsed.error },
  );
}
