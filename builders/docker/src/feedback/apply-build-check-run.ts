import type { BuildJob } from '@slipway/queue';
import type { InstallationOctokit } from '../github/github-installations.js';
import { buildCheckName, type CheckRunOutput } from './check-run-output.js';

/** A change to a build's check run: still running (with new text), or concluded. */
export type BuildCheckRunChange = (
  | { status: 'in_progress'; startedAt?: Date }
  | { conclusion: 'success' | 'failure' | 'cancelled' }
) & {
  output: CheckRunOutput;
  /** Where "Details" leads (the CircleCI workflow); GitHub's own page when absent. */
  detailsUrl?: string;
};

/**
 * Moves the check run `Slipway build / <service>` of a build job — on the job's commit, with the
 * job's id as `external_id` — to `change`, creating it when missing (the intake makes it queued).
 * A concluded run is never moved back to in_progress, so a late retry cannot un-finish it. Both
 * builders report through this; GitHub's errors are thrown for the caller to log.
 */
export async function applyBuildCheckRun(
  octokit: InstallationOctokit,
  target: { job: BuildJob; jobId: string },
  change: BuildCheckRunChange,
  now: Date,
): Promise<void> {
  const { job } = target;
  const [owner = '', repo = ''] = job.repository.fullName.split('/');
  const name = buildCheckName(job.service);
  const fields = {
    ...('conclusion' in change
      ? { status: 'completed' as const, conclusion: change.conclusion, completed_at: now.toISOString() }
      : {
          status: 'in_progress' as const,
          ...(change.startedAt ? { started_at: change.startedAt.toISOString() } : {}),
        }),
    ...(change.detailsUrl ? { details_url: change.detailsUrl } : {}),
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

/** The check run of this build job on the commit: same name, `external_id` = the job id. */
async function findCheckRun(
  octokit: InstallationOctokit,
  where: { owner: string; repo: string; sha: string; name: string; externalId: string },
): Promise<{ id: number; status: string } | undefined> {
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
