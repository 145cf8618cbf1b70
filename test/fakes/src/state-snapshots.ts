import type { FakeGitHubState, Repo } from './fake-state.js';
import type { ShapeContext } from './router.js';
import { checkRunJson } from './routes/check-runs-routes.js';
import { deploymentJson, statusJson } from './routes/deployment-shapes.js';
import { commentJson } from './routes/issue-comments-routes.js';

/** Selects the repository a state query is about. */
export interface RepoSelector {
  owner: string;
  repo: string;
}

/** The repo a selector names; a typo in a test fails loudly instead of matching nothing. */
export function selectRepo(state: FakeGitHubState, selector: RepoSelector): Repo {
  const repo = state.findRepo(selector.owner, selector.repo);
  if (!repo)
    throw new Error(`No repository ${selector.owner}/${selector.repo} in the fake; add it with addRepo().`);
  return repo;
}

function repoFilter(state: FakeGitHubState, selector: RepoSelector | undefined): (repoId: number) => boolean {
  if (!selector) return () => true;
  const { id } = selectRepo(state, selector);
  return (repoId) => repoId === id;
}

function repoOf(state: FakeGitHubState, repoId: number): Repo {
  const repo = state.repoById(repoId);
  if (!repo) throw new Error(`Record points at repository id ${repoId}, which the fake does not have.`);
  return repo;
}

/** Check runs as GitHub would return them, oldest first. */
export function snapshotCheckRuns(
  shapes: ShapeContext,
  selector?: RepoSelector,
): Array<Record<string, unknown>> {
  const inRepo = repoFilter(shapes.state, selector);
  return shapes.state.checkRuns
    .filter((run) => inRepo(run.repoId))
    .map((run) => checkRunJson(shapes, repoOf(shapes.state, run.repoId), run));
}

/** Deployments, oldest first, each with its statuses (oldest first). */
export function snapshotDeployments(
  shapes: ShapeContext,
  selector?: RepoSelector,
): Array<Record<string, unknown> & { statuses: Array<Record<string, unknown>> }> {
  const inRepo = repoFilter(shapes.state, selector);
  return shapes.state.deployments
    .filter((deployment) => inRepo(deployment.repoId))
    .map((deployment) => {
      const repo = repoOf(shapes.state, deployment.repoId);
      const statuses = shapes.state.deploymentStatuses
        .filter((status) => status.deploymentId === deployment.id)
        .map((status) => statusJson(shapes, repo, deployment, status));
      return { ...deploymentJson(shapes, repo, deployment), statuses };
    });
}

/** Issue comments, oldest first. */
export function snapshotComments(
  shapes: ShapeContext,
  selector?: RepoSelector & { issueNumber?: number },
): Array<Record<string, unknown>> {
  const inRepo = repoFilter(shapes.state, selector);
  return shapes.state.comments
    .filter((comment) => inRepo(comment.repoId))
    .filter((comment) => selector?.issueNumber === undefined || comment.issueNumber === selector.issueNumber)
    .map((comment) => commentJson(shapes, repoOf(shapes.state, comment.repoId), comment));
}
