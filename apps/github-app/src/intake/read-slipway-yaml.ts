import type { ProbotOctokit } from 'probot';
import { statusOf } from './github-failure.js';

/** Where a commit lives on GitHub. */
export interface CommitRef {
  owner: string;
  repo: string;
  sha: string;
}

/**
 * slipway.yaml at the repo root at one commit, through the contents API; undefined when the
 * commit has none (404, or a folder of that name): such a repository is simply not ours.
 * Other failures are thrown for the caller to classify.
 */
export async function readSlipwayYaml(octokit: ProbotOctokit, at: CommitRef): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.repos.getContent({
      owner: at.owner,
      repo: at.repo,
      path: 'slipway.yaml',
      ref: at.sha,
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
