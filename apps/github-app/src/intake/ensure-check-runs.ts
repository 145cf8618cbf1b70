import type { ProbotOctokit } from 'probot';
import type { CheckRunOutput, configAnnotations } from './check-run-text.js';
import type { CommitRef } from './read-slipway-yaml.js';

type CreateParams = Parameters<ProbotOctokit['rest']['checks']['create']>[0] & object;

/** One check run to have on a commit. */
export interface WantedCheckRun {
  name: string;
  output: CheckRunOutput & { annotations?: ReturnType<typeof configAnnotations> };
  status?: 'queued';
  conclusion?: 'action_required' | 'failure';
  externalId?: string;
}

/**
 * Creates the check runs the commit does not have yet (by name), so a retried job — or a
 * second push of the same commit — does not stack duplicates. Returns the names created.
 */
export async function ensureCheckRuns(
  octokit: ProbotOctokit,
  at: CommitRef,
  wanted: readonly WantedCheckRun[],
  now: () => Date,
): Promise<string[]> {
  const existing = await octokit.paginate(octokit.rest.checks.listForRef, {
    owner: at.owner,
    repo: at.repo,
    ref: at.sha,
    filter: 'all',
    per_page: 100,
  });
  const have = new Set(existing.map((run) => run.name));
  const created: string[] = [];
  for (const run of wanted) {
    if (have.has(run.name)) continue;
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
