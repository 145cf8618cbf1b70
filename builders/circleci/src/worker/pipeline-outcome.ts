/** A workflow as the builder knows it, from the API or from a webhook. */
export interface WorkflowState {
  id: string;
  name: string;
  status: string;
}

/** Where a pipeline stands: still going, or ended one way (with the workflow that decided it). */
export type PipelineOutcome =
  | { state: 'running' }
  | { state: 'succeeded'; workflow: WorkflowState }
  | { state: 'failed'; workflow: WorkflowState }
  | { state: 'cancelled'; workflow: WorkflowState };

const FAILED = new Set(['failed', 'error', 'unauthorized']);
// `failing` still runs other jobs; `on_hold` waits for an approval: both are not over yet.
const RUNNING = new Set(['running', 'failing', 'on_hold', 'created', 'queued']);

/**
 * The pipeline's outcome from its workflows: any failed (or errored, or unauthorized) → failed;
 * else any cancelled → cancelled; else any still running → running; else at least one success →
 * succeeded. A pipeline whose workflows were all `not_run` (filters left nothing to do) pushed
 * nothing: failed. No workflow listed yet → running (CircleCI creates them a moment later). Pure.
 *
 * @example pipelineOutcome([{ id, name: 'build', status: 'success' }]) // { state: 'succeeded', workflow }
 */
export function pipelineOutcome(workflows: readonly WorkflowState[]): PipelineOutcome {
  const failed = workflows.find((workflow) => FAILED.has(workflow.status));
  if (failed) return { state: 'failed', workflow: failed };
  const cancelled = workflows.find((workflow) => workflow.status === 'canceled');
  if (cancelled) return { state: 'cancelled', workflow: cancelled };
  if (workflows.length === 0 || workflows.some((workflow) => RUNNING.has(workflow.status)))
    return { state: 'running' };
  const succeeded = workflows.find((workflow) => workflow.status === 'success');
  if (succeeded) return { state: 'succeeded', workflow: succeeded };
  const first = workflows[0] as WorkflowState;
  return { state: 'failed', workflow: first };
}

/**
 * The page of a pipeline on CircleCI's web app: `<app>/pipelines/<vcs>/<org>/<repo>/<number>`.
 * The project slug's `gh` is spelled `github` there (`bb`: `bitbucket`).
 */
export function pipelineUrlOf(
  appUrl: string,
  where: { projectSlug: string; pipelineNumber: number },
): string {
  const [vcs = 'gh', ...rest] = where.projectSlug.split('/');
  const provider = vcs === 'gh' ? 'github' : vcs === 'bb' ? 'bitbucket' : vcs;
  return `${appUrl.replace(/\/+$/, '')}/pipelines/${[provider, ...rest].join('/')}/${where.pipelineNumber}`;
}

/** The page of a workflow: `<pipeline page>/workflows/<id>`. */
export function workflowUrlOf(
  appUrl: string,
  where: { projectSlug: string; pipelineNumber: number; workflowId: string },
): string {
  return `${pipelineUrlOf(appUrl, where)}/workflows/${where.workflowId}`;
}
