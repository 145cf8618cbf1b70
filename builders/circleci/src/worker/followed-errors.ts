import { CircleciError } from '../errors.js';
import type { FollowedPipeline } from './follow-pipeline.js';

/** What a followed pipeline left for the build: the workflow (or pipeline) page the check run links. */
export interface FollowedSuccess {
  workflowUrl: string;
  workflowName: string;
}

/**
 * The build goes on only when the pipeline succeeded; every other ending becomes the final
 * `CircleciError` that says what happened on CircleCI and what to do about it. Pure.
 */
export function succeededOrThrow(followed: FollowedPipeline, pipelineNumber: number): FollowedSuccess {
  const pipeline = `pipeline #${pipelineNumber}`;
  switch (followed.state) {
    case 'succeeded':
      return { workflowUrl: followed.workflowUrl, workflowName: followed.workflow.name };
    case 'failed':
      throw new CircleciError(
        'WORKFLOW_FAILED',
        `The CircleCI workflow "${followed.workflow.name}" of ${pipeline} ended ${followed.workflow.status}. Its log is at ${followed.workflowUrl}; fix the pipeline and push again.`,
        { workflowUrl: followed.workflowUrl },
      );
    case 'cancelled':
      throw new CircleciError(
        'WORKFLOW_CANCELLED',
        `The CircleCI workflow "${followed.workflow.name}" of ${pipeline} was cancelled on CircleCI. Re-run this check to build again.`,
        { workflowUrl: followed.workflowUrl },
      );
    case 'errored': {
      const said = followed.errors.map((error) => `- ${error.type}: ${error.message}`).join('\n');
      throw new CircleciError(
        'PIPELINE_ERRORED',
        `CircleCI could not run ${pipeline}: ${said ? `\n${said}\n` : 'it gave no reason. '}Fix .circleci/config.yml (it must declare the slipway_image_repository and slipway_image_tag parameters) and push again. ${followed.pipelineUrl}`,
        { workflowUrl: followed.pipelineUrl },
      );
    }
    case 'no-workflow':
      throw new CircleciError(
        'NO_WORKFLOW',
        `CircleCI ran no workflow for ${pipeline}, so no image was pushed: check the workflow filters (branches, tags, when) in .circleci/config.yml for this ref. ${followed.pipelineUrl}`,
        { workflowUrl: followed.pipelineUrl },
      );
    case 'timed-out': {
      const where = followed.workflows.map((workflow) => `"${workflow.name}" ${workflow.status}`).join(', ');
      throw new CircleciError(
        'PIPELINE_TIMED_OUT',
        `CircleCI ${pipeline} did not finish in time (${where || 'no workflow yet'}); Slipway stopped following it and cancelled what still ran. Re-run this check to build again.`,
        { workflowUrl: followed.workflows[0]?.url ?? followed.pipelineUrl },
      );
    }
  }
}
