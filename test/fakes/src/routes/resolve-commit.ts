import type { Repo } from '../fake-state.js';
import type { GitRepo } from '../git-repo.js';
import { GitHubError, notFound } from '../github-error.js';

/** The repo's git repository, or a 404 that says how to give it one. */
export function gitOf(repo: Repo): GitRepo {
  if (!repo.git) {
    throw notFound(
      `${repo.owner.login}/${repo.name} has no git repository; pass git: await createGitRepo(...) to addRepo`,
    );
  }
  return repo.git;
}

/**
 * The commit a branch, tag or sha names. Without a git repository only full shas are
 * accepted (check runs on repos a test does not bother to back with git).
 */
export async function resolveCommit(repo: Repo, ref: string): Promise<string | undefined> {
  if (repo.git) return repo.git.resolveRef(ref);
  return /^[0-9a-f]{40}$/.test(ref) ? ref : undefined;
}

/** Like {@link resolveCommit}, but a miss is GitHub's 422 "No commit found for SHA". */
export async function resolveCommitOr422(repo: Repo, ref: string): Promise<string> {
  const sha = await resolveCommit(repo, ref);
  if (!sha) throw new GitHubError({ status: 422, message: `No commit found for SHA: ${ref}` });
  return sha;
}
