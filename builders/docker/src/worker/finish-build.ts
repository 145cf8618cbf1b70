import type { Build, BuildLogArchive } from '@slipway/core';
import type { Repository } from '@slipway/state';
import type { Redis } from 'ioredis';
import type { BuildFailure, BuildFeedback, BuildSuccess } from '../feedback/build-feedback.js';
import { archiveBuildLog } from './archive-build-log.js';
import { describeFailure, failureWords } from './build-failure.js';
import { type BuildChange, recordBuild } from './build-record.js';
import type { BuildRun } from './build-run.js';
import type { WorkerLogger } from './worker-logger.js';

/** What ending a build writes to. `feedback` must already be wrapped with `loggedFeedback`. */
export interface FinishDeps {
  redis: Redis;
  builds: Repository<Build>;
  buildLogs: Repository<BuildLogArchive>;
  feedback: BuildFeedback;
  logger: WorkerLogger;
  now: () => Date;
}

/**
 * The steps that end a build, in an order that keeps readers consistent: the log stream's end
 * entry, then its archive, then the Build record (so whoever sees a finished Build finds the
 * archive). Every step is idempotent, so a retried job can run them again.
 */
function endSteps(
  run: BuildRun,
  deps: FinishDeps,
  change: Exclude<BuildChange, { status: 'running' }>,
): Array<() => Promise<void>> {
  return [
    () => run.log.end(change.status),
    async () => {
      await archiveBuildLog({
        redis: deps.redis,
        ref: run.log.ref,
        buildLogs: deps.buildLogs,
        status: change.status,
        finishedAt: change.at,
      });
    },
    () => recordBuild(deps.builds, run, change),
  ];
}

/** The build ran (or started again after a retry): Build running, check run in_progress. */
export async function markStarted(run: BuildRun, deps: FinishDeps): Promise<void> {
  const at = deps.now();
  await recordBuild(deps.builds, run, { status: 'running', at });
  await deps.feedback.started(run.target, at);
}

/** Success: errors here are thrown, so the job is retried and finds its Release to finish again. */
export async function finishSucceeded(run: BuildRun, deps: FinishDeps, success: BuildSuccess): Promise<void> {
  const change = { status: 'succeeded', at: deps.now(), releaseId: success.release.id } as const;
  for (const step of endSteps(run, deps, change)) await step();
  await deps.feedback.succeeded(run.target, success);
}

/**
 * Runs every step even when one throws (Redis or the state store may be what failed the build, and
 * the Build record and the check run should still say so): the build's own error is what the
 * caller rethrows; these are logged beside it.
 */
async function settle(run: BuildRun, deps: FinishDeps, steps: Array<() => Promise<void>>): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      deps.logger.error({ ...run.fields, err: error }, 'could not record the end of the build');
    }
  }
}

/** Superseded by a newer push: Build cancelled, check run cancelled "superseded by <sha7>". */
export async function finishCancelled(run: BuildRun, deps: FinishDeps, supersededBy: string): Promise<void> {
  run.log.write(`Cancelled: superseded by ${supersededBy.slice(0, 7)}, a newer push to ${run.job.ref}.`);
  deps.logger.info({ ...run.fields, supersededBy }, 'build superseded');
  await settle(run, deps, [
    ...endSteps(run, deps, { status: 'cancelled', at: deps.now() }),
    () => deps.feedback.cancelled(run.target, { supersededBy }),
  ]);
}

/** A final failure: Build failed with the reason in words, check run failure with the log's end. */
export async function finishFailed(run: BuildRun, deps: FinishDeps, error: unknown): Promise<BuildFailure> {
  const failure = describeFailure(error, run.log.tail);
  const words = failureWords(failure);
  run.log.write(words);
  deps.logger.error({ ...run.fields, err: error }, 'build failed');
  const withLastLine = { ...failure, logTail: run.log.tail };
  await settle(run, deps, [
    ...endSteps(run, deps, { status: 'failed', at: deps.now(), error: words }),
    () => deps.feedback.failed(run.target, withLastLine),
  ]);
  return withLastLine;
}

/** An attempt failed and BullMQ will try again: the build stays running, its log stays open. */
export async function noteRetry(run: BuildRun, deps: FinishDeps, error: unknown): Promise<void> {
  const reason = error instanceof Error ? error.message : String(error);
  run.log.write(`This attempt failed and will be retried: ${reason}`);
  deps.logger.warn({ ...run.fields, err: error }, 'build attempt failed; it will be retried');
  await settle(run, deps, [() => deps.feedback.retrying(run.target, reason)]);
}
