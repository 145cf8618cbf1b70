import { archiveBuildLog, type BuildLogWriter, BuildSupersededError } from '@slipway/builder-docker';
import type { BuildJob } from '@slipway/queue';
import type { Logger } from 'pino';
import { CircleciError, isFinalError } from '../errors.js';
import { type CircleciFeedback, checkRunText } from '../feedback/circleci-check-run.js';
import { archiveOf, type CircleciRun, recordCircleciBuild } from './build-records.js';
import type { CircleciBuildDeps } from './run-circleci-build.js';

export interface Ending {
  run: CircleciRun;
  deps: CircleciBuildDeps;
  log: BuildLogWriter;
  logger: Logger;
  feedback: CircleciFeedback;
  target: { job: BuildJob; jobId: string; buildId: string };
  error: unknown;
  now: () => Date;
  workflowUrl: string | undefined;
}

/**
 * Cancelled (superseded or cancelled on CircleCI), failed (final, or the last attempt), or noted
 * for a retry. Every step runs even when one throws: Redis or the state store may be what failed.
 */
export async function endUnsuccessfully(ending: Ending): Promise<void> {
  const { run, deps, log, logger, feedback, target, error, now } = ending;
  const { job } = run;
  const linked = (error instanceof CircleciError ? error.workflowUrl : undefined) ?? ending.workflowUrl;
  const detailsUrl = linked ? { detailsUrl: linked } : {};
  const archive = (status: 'failed' | 'cancelled') => async () => {
    await archiveBuildLog({ ...archiveOf(deps, log), status, finishedAt: now() });
  };
  const message = error instanceof Error ? error.message : String(error);
  const steps: Array<() => Promise<void>> = [];
  if (
    error instanceof BuildSupersededError ||
    (error instanceof CircleciError && error.code === 'WORKFLOW_CANCELLED')
  ) {
    const title =
      error instanceof BuildSupersededError
        ? `Superseded by ${error.supersededBy.slice(0, 7)}`
        : 'Cancelled on CircleCI';
    log.write(`Cancelled: ${message}`);
    logger.info({ reason: message }, 'CircleCI build cancelled');
    steps.push(
      () => log.end('cancelled'),
      archive('cancelled'),
      () => recordCircleciBuild(deps.repos.builds, run, { status: 'cancelled', at: now() }),
      () =>
        feedback.update(target, {
          conclusion: 'cancelled',
          text: checkRunText.cancelled(job, title, message),
          ...detailsUrl,
        }),
    );
  } else if ((deps.finalAttempt ?? true) || isFinalError(error)) {
    const words =
      error instanceof CircleciError && error.code === 'CIRCLECI_UNREACHABLE'
        ? `${message} The hand-off was retried with backoff and CircleCI still could not be reached. Check CircleCI's status and the builder's network, then re-run this check.`
        : error instanceof CircleciError
          ? message
          : `The CircleCI builder hit an unexpected error (${message}). Re-run this check; if it fails again, tell the Slipway operators.`;
    log.write(words);
    logger.error({ err: error }, 'CircleCI build failed');
    steps.push(
      () => log.end('failed'),
      archive('failed'),
      () => recordCircleciBuild(deps.repos.builds, run, { status: 'failed', at: now(), error: words }),
      () =>
        feedback.update(target, {
          conclusion: 'failure',
          text: checkRunText.failed(job, failureTitle(error), words),
          ...detailsUrl,
        }),
    );
  } else {
    log.write(`This attempt failed and will be retried: ${message}`);
    logger.warn({ err: error }, 'CircleCI build attempt failed; it will be retried');
    steps.push(() =>
      feedback.update(target, {
        status: 'in_progress',
        text: checkRunText.retrying(job, message),
        ...detailsUrl,
      }),
    );
  }
  for (const step of steps) {
    try {
      await step();
    } catch (failure) {
      logger.error({ err: failure }, 'could not record the end of the CircleCI build');
    }
  }
}

function failureTitle(error: unknown): string {
  if (!(error instanceof CircleciError)) return 'Build error';
  switch (error.code) {
    case 'CIRCLECI_UNREACHABLE':
      return 'CircleCI unreachable';
    case 'CIRCLECI_REFUSED':
      return 'CircleCI refused the request';
    case 'CIRCLECI_NOT_CONFIGURED':
      return 'CircleCI token missing';
    case 'WORKFLOW_FAILED':
      return 'CircleCI workflow failed';
    case 'PIPELINE_ERRORED':
      return 'CircleCI could not run the pipeline';
    case 'NO_WORKFLOW':
      return 'CircleCI ran no workflow';
    case 'PIPELINE_TIMED_OUT':
      return 'CircleCI pipeline timed out';
    case 'IMAGE_MISSING':
      return 'Image missing after the CircleCI pipeline';
    case 'BUILD_REFUSED':
      return "Not allowed by the tenant's policy";
    default:
      return 'Build error';
  }
}
