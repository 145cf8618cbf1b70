import type { ProbotOctokit } from 'probot';
import type { CheckRunOutput, configAnnotations } from './check-run-text.js';
import type { CommitRef } from './read-slipway-yaml.js';

type CreateParams = Parameters<ProbotOctokit['rest']['checks']['create']>[0] & object;

/** One check run to have on a commit. */
export interface WantedCheckRun {
  name: string;
  output: CheckRunOutput & { annotations?: ReturnType<typeof configAnnotations> };
  status?: 'queued';
  /** Completes the run at once. */
  conclusion?: 'action_required' | 'failure' | 'neutral' | 'skipped';
  /**
   * The build job id. When given, it is what makes the run unique (a re-run attempt is a new
   * run of the same name); otherwise the name is.
   */
  externalId?: string;
}

/** A check run that asked for something (action_required) and is now answered. */
export interface AnsweredCheckRun {
  name: string;
  output: CheckRunOutput;
}

/**
 * Creates the check runs the commit does not have yet — by external id when one is given,
 * else by name — so a retried job, or a second push of the same commit, does not stack
 * duplicates. Runs named in `answered` that still ask for action on the commit are concluded
 * success with their new output (e.g. "bound to tenant acme" once someone bound the
 * installation). Returns the names created.
 */
export async function ensureCheckRuns(
  octokit: ProbotOctokit,
  at: CommitRef,
  wanted: readonly WantedCheckRun[],
  now: () => Date,
  answered: readonly AnsweredCheckRun[] = [],
): Promise<string[]> {
  if (wanted.length === 0 && answered.length === 0) return [];
  const existing = await octokit.paginate(octokit.rest.checks.listForRef, {
    owner: at.owner,
    repo: at.repo,
    ref: at.sha,
    filter: 'all',
    per_page: 100,
  });
  for (const answer of answered) {
    for (const run of existing) {
      if (run.name !== answer.name || run.conclusion !== 'action_required') continue;
      await octokit.rest.checks.update({
        owner: at.owner,
        repo: at.repo,
        check_run_id: run.id,
        status: 'completed',
        conclusion: 'success',
        completed_at: now().toISOString(),
        output: answer.output,
      });
    }
  }
  const haveNames = new Set(existing.map((run) => run.name));
  const haveIds = new Set(existing.map((run) => run.external_id).filter(Boolean));
  const created: string[] = [];
  for (const run of wanted) {
    if (run.externalId ? haveIds.has(run.externalId) : haveNames.has(run.name)) continue;
    const params: CreateParams = {
      owner: at.owner,
      repo: at.repo,
      name: run.name,
      head_sha: at.sha,
      output: run.output,
    };
    if (run.externalId) params.external_id = run.externalId;
    if (run.conclusion) {
      params.status = 'completed';
      params.conclusion = run.conclusion;
      params.completed_at = now().toISOString();
    } else {
      params.status = run.status ?? 'queued';
    }
    await octokit.rest.checks.create(params);
    created.push(run.name);
  }
  return created;
}
