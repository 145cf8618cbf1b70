import type { Logger } from 'pino';
import { isTransient, statusOf } from '../intake/github-failure.js';

/**
 * Runs one GitHub step that comes after the check run (the deployment, the preview comment).
 * A transient failure (5xx, 429, rate limit, network) is thrown, so BullMQ retries the job — every
 * step is idempotent, so the retry only does what is missing. Any other failure (a 403 from an
 * installation that has not accepted the deployments or pull-requests permission yet, a 422)
 * will not heal by retrying: it is logged with what to check and the step is skipped, so the
 * check run and the rest of the job still count. Returns the step's result, or undefined.
 *
 * @example
 * const deployment = await unlessPermanent(log, 'GitHub deployment', () => applyGitHubDeployment(octokit, job, url));
 */
export async function unlessPermanent<T>(
  log: Logger,
  step: string,
  run: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (isTransient(error)) throw error;
    // The message and status only: an Octokit error carries the request, headers included.
    log.warn(
      {
        step,
        error: {
          name: (error as { name?: unknown } | null)?.name,
          message: error instanceof Error ? error.message : String(error),
          status: statusOf(error),
        },
      },
      `${step} skipped: GitHub refused it and retrying will not help; check that the installation accepted the deployments, pull requests and issues permissions`,
    );
    return undefined;
  }
}
