import type { DeployFeedbackJob } from '@slipway/queue';
import type { ProbotOctokit } from 'probot';

type CreateParams = Parameters<ProbotOctokit['rest']['checks']['create']>[0] & object;
type UpdateParams = Parameters<ProbotOctokit['rest']['checks']['update']>[0] & object;

/** The check run of one service's rollouts. */
export const deployCheckName = (service: string) => `Slipway deploy / ${service}`;

/** What became of one job on GitHub. */
export type DeployCheckRunResult = 'created' | 'updated' | 'kept-completed';

/** The check run after one job: what became of it, and its page (the deployment's log URL). */
export interface AppliedDeployCheckRun {
  result: DeployCheckRunResult;
  htmlUrl: string | null;
}

/**
 * Shows one rollout state as the check run "Slipway deploy / <service>" on the release's commit,
 * `external_id` = the rollout id: created on first sight, updated after. The run is looked up by
 * name and external id before creating, so a retried job never makes a second one. A completed
 * run is never moved back to queued or in progress.
 *
 * @example
 * const { result, htmlUrl } = await applyDeployCheckRun(await probot.auth(job.installationId), job, () => new Date());
 */
export async function applyDeployCheckRun(
  octokit: ProbotOctokit,
  job: DeployFeedbackJob,
  now: () => Date,
): Promise<AppliedDeployCheckRun> {
  const [owner = '', repo = ''] = job.repository.fullName.split('/');
  const name = deployCheckName(job.service);
  const fields = checkRunFields(job, now);
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
    owner,
    repo,
    ref: job.commit,
    check_name: name,
    filter: 'all',
    per_page: 100,
  });
  const found = runs.find((run) => run.external_id === job.rolloutId);
  if (!found) {
    const { data: created } = await octokit.rest.checks.create({
      owner,
      repo,
      name,
      head_sha: job.commit,
      external_id: job.rolloutId,
      ...fields,
    });
    return { result: 'created', htmlUrl: created.html_url };
  }
  if (found.status === 'completed' && job.status !== 'completed')
    return { result: 'kept-completed', htmlUrl: found.html_url };
  const { data: updated } = await octokit.rest.checks.update({
    owner,
    repo,
    check_run_id: found.id,
    ...fields,
  });
  return { result: 'updated', htmlUrl: updated.html_url };
}

/** Status, times and text of the run, as both create and update take them. */
function checkRunFields(job: DeployFeedbackJob, now: () => Date) {
  const output = { title: job.title, summary: job.summary };
  if (job.status === 'queued')
    return { status: 'queued', output } satisfies Partial<CreateParams & UpdateParams>;
  const started = { started_at: job.startedAt, output };
  if (job.status === 'in_progress')
    return { status: 'in_progress', ...started } satisfies Partial<CreateParams & UpdateParams>;
  return {
    status: 'completed',
    // The schema gives a completed job its conclusion; failure is only a guard for the type.
    conclusion: job.conclusion ?? 'failure',
    completed_at: job.completedAt ?? now().toISOString(),
    ...started,
  } satisfies Partial<CreateParams & UpdateParams>;
}
