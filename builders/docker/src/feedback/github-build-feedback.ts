import type { GitHubInstallations, InstallationOctokit } from '../github/github-installations.js';
import type { BuildFailure, BuildFeedback, BuildFeedbackTarget, BuildSuccess } from './build-feedback.js';
import {
  buildCheckName,
  type CheckRunOutput,
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

type Conclusion = 'success' | 'failure' | 'cancelled';

/** A change to the check run: still running (with new text), or concluded. */
type CheckRunChange =
  | { status: 'in_progress'; startedAt?: Date; output: CheckRunOutput }
  | { conclusion: Conclusion; output: CheckRunOutput };

interface FoundCheckRun {
  id: number;
  status: string;
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

  async #apply(target: BuildFeedbackTarget, change: CheckRunChange): Promise<void> {
    const { job } = target;
    const octokit = this.#installations.octokit(job.installationId);
    const [owner = '', repo = ''] = job.repository.fullName.split('/');
    const name = buildCheckName(job.service);
    const fields =
      'conclusion' in change
        ? {
            status: 'completed' as const,
            conclusion: change.conclusion,
            completed_at: this.#now().toISOString(),
            output: change.output,
          }
        : {
            status: 'in_progress' as const,
            ...(change.startedAt ? { started_at: change.startedAt.toISOString() } : {}),
            output: change.output,
          };
    const found = await findCheckRun(octokit, {
      owner,
      repo,
      sha: job.commit,
      name,
      externalId: target.jobId,
    });
    if (!found) {
      await octokit.rest.checks.create({
        owner,
        repo,
        name,
        head_sha: job.commit,
        external_id: target.jobId,
        ...fields,
      });
      return;
    }
    if (found.status === 'completed' && !('conclusion' in change)) return;
    await octokit.rest.checks.update({ owner, repo, check_run_id: found.id, ...fields });
  }
}

/** The check run of this build job on the commit: same name, `external_id` = the job id. */
async function findCheckRun(
  octokit: InstallationOctokit,
  where: { owner: string; repo: string; sha: string; name: string; externalId: string },
): Promise<FoundCheckRun | undefined> {
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
    owner: where.owner,
    repo: where.repo,
    ref: where.sha,
    check_name: where.name,
    filter: 'all',
    per_page: 100,
  });
  const run = runs.find((candidate) => candidate.external_id === where.externalId);
  return run && { id: run.id, status: run.status };
}
