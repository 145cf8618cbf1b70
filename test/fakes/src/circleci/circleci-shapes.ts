import type { CompletedWorkflow } from './circleci-webhook.js';
import type { FakePipeline } from './fake-circleci.js';

/** `GET /api/v2/pipeline/:id/workflow`: the pipeline's one workflow, or none (`listed` false). */
export function workflowListBody(pipeline: FakePipeline, listed: boolean) {
  const { workflow } = pipeline;
  if (!listed) return { next_page_token: null, items: [] };
  return {
    next_page_token: null,
    items: [
      {
        pipeline_id: pipeline.id,
        id: workflow.id,
        name: workflow.name,
        project_slug: pipeline.projectSlug,
        status: workflow.status,
        pipeline_number: pipeline.number,
        created_at: pipeline.createdAt,
        stopped_at: workflow.stoppedAt,
      },
    ],
  };
}

/** `GET /api/v2/pipeline/:id`, in CircleCI's documented shape. */
export function pipelineBody(pipeline: FakePipeline) {
  const [vcs, org, repo] = pipeline.projectSlug.split('/');
  return {
    id: pipeline.id,
    errors: pipeline.errors,
    project_slug: pipeline.projectSlug,
    number: pipeline.number,
    state: pipeline.state,
    created_at: pipeline.createdAt,
    updated_at: pipeline.workflow.stoppedAt ?? pipeline.createdAt,
    trigger: { type: 'api', received_at: pipeline.createdAt, actor: { login: 'slipway' } },
    vcs: {
      provider_name: vcs === 'gh' ? 'GitHub' : vcs,
      origin_repository_url: `https://github.com/${org}/${repo}`,
      target_repository_url: `https://github.com/${org}/${repo}`,
      ...(pipeline.branch ? { branch: pipeline.branch } : {}),
      ...(pipeline.tag ? { tag: pipeline.tag } : {}),
    },
  };
}

/** What a finished pipeline's `workflow-completed` webhook says. */
export function completedWorkflowOf(pipeline: FakePipeline, stoppedAt: string): CompletedWorkflow {
  return {
    pipeline: {
      id: pipeline.id,
      number: pipeline.number,
      createdAt: pipeline.createdAt,
      ...(pipeline.branch ? { branch: pipeline.branch } : {}),
      ...(pipeline.tag ? { tag: pipeline.tag } : {}),
    },
    workflow: {
      id: pipeline.workflow.id,
      name: pipeline.workflow.name,
      createdAt: pipeline.createdAt,
      stoppedAt,
      url: pipeline.workflow.url,
      status: pipeline.workflow.status,
    },
    project: { slug: pipeline.projectSlug },
  };
}
