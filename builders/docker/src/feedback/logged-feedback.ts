import type { WorkerLogger } from '../worker/worker-logger.js';
import type { BuildFeedback, BuildFeedbackTarget } from './build-feedback.js';

/**
 * The error as far as a log may show it: name, HTTP status and message. Octokit errors also carry
 * the request (headers, URL); those stay out, so no token can reach the log.
 */
function describe(error: unknown): { name: string; status?: number; message: string } {
  const status = (error as { status?: unknown } | null)?.status;
  return {
    name: error instanceof Error ? error.name : 'Error',
    ...(typeof status === 'number' ? { status } : {}),
    message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * Wraps feedback so its failures are logged (as warnings, with the build's ids) and never thrown:
 * GitHub being down must not fail a build, nor make BullMQ repeat one that succeeded.
 */
export function loggedFeedback(feedback: BuildFeedback, logger: WorkerLogger): BuildFeedback {
  const guard =
    <A extends unknown[]>(step: string, call: (target: BuildFeedbackTarget, ...args: A) => Promise<void>) =>
    async (target: BuildFeedbackTarget, ...args: A): Promise<void> => {
      try {
        await call(target, ...args);
      } catch (error) {
        logger.warn(
          {
            tenant: target.job.tenant,
            service: target.job.service,
            buildId: target.buildId,
            jobId: target.jobId,
            err: describe(error),
          },
          `could not report "${step}" to GitHub; the build goes on`,
        );
      }
    };
  return {
    started: guard('started', (target, at: Date) => feedback.started(target, at)),
    retrying: guard('retrying', (target, reason: string) => feedback.retrying(target, reason)),
    succeeded: guard('succeeded', (target, success) => feedback.succeeded(target, success)),
    failed: guard('failed', (target, failure) => feedback.failed(target, failure)),
    cancelled: guard('cancelled', (target, cancellation) => feedback.cancelled(target, cancellation)),
  };
}
