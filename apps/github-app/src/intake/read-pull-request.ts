import type { ProbotOctokit } from 'probot';
import { statusOf } from './github-failure.js';
import { commitRef } from './load-commit-config.js';

export type PullRequest = Awaited<ReturnType<ProbotOctokit['rest']['pulls']['get']>>['data'];

/**
 * The pull request as GitHub has it now, or undefined when it is gone (404): a delivery handled
 * late is judged by the pull request's present state, not by the one it carried.
 */
export async function readPullRequest(
  octokit: ProbotOctokit,
  fullName: string,
  number: number,
): Promise<PullRequest | undefined> {
  const { owner, repo } = commitRef(fullName, '');
  try {
    return (await octokit.rest.pulls.get({ owner, repo, pull_number: number })).data;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
