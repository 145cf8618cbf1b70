import type { GitHubInstallations } from '../github/github-installations.js';
import { applyBuildCheckRun, type BuildCheckRunChange } from './apply-build-check-run.js';
import type { BuildFailure, BuildFeedback, BuildFeedbackTarget, BuildSuccess } from './build-feedback.js';
import {
  cancelledOutput,
  failedOutput,
  retryingOutput,
  startedOutput,
  succeededOutput,
} from './check-run-output.js';

export interface GitHubBuildFeedbackOptions {
  installations: GitHubInstallations;
  now?: () => Date;
}

/**
 * Build feedback as GitHub check runs: the run named `Slipway build / <service>` on the commit
 * whose `external_id` is the build job's id (the intake creates it queued; this creates it when
 * missing) goes in_progress → success | failure | cancelled. A concluded run is never moved back
 * to in_progress, so a late retry cannot un-finish it. Every call uses the job's installation
 * token; no token or secret is ever put in the text.
 *
 * Errors (GitHub down, a suspended installation) are thrown; wrap this with `loggedFeedback`,
 * as the worker does, so they never change the build.
 */
export class GitHubBuildFeedback implements BuildFeedback {
  readonly #installations: GitHubInstallations;
  readonly #now: () => Date;

  constructor(options: GitHubBuildFeedbackOptions) {
    this.#installations = options.installations;
    this.#now = options.now ?? (() => new Date());
  }

  started(target: BuildFeedbackTarget, at: Date): Promise<void> {
    return this.#apply(target, { status: 'in_progress', startedAt: at, output: startedOutput(target) });
  }

  retrying(target: BuildFeedbackTarget, reason: string): Promise<void> {
    return this.#apply(target, { status: 'in_progress', output: retryingOutput(target, reason) });
  }

  succeeded(target: BuildFeedbackTarget, success: BuildSuccess): Promise<void> {
    return this.#apply(target, { conclusion: 'success', output: succeededOutput(target, success) });
  }

  failed(target: BuildFeedbackTarget, failure: BuildFailure): Promise<void> {
    return this.#apply(target, { conclusion: 'failure', output: failedOutput(target, failure) });
  }

  cancelled(target: BuildFeedbackTarget, cancellation: { supersededBy: string }): Promise<void> {
    return this.#apply(target, {
      conclusion: 'cancelled',
      output: cancelledOutput(target, cancellation.supersededBy),
    });
  }

  #apply(target: BuildFeedbackTarget, change: BuildCheckRunChange): Promise<void> {
    return applyBuildCheckRun(
      this.#installations.octokit(target.job.installationId),
      target,
      change,
      this.#now(),
    );
  }
}
