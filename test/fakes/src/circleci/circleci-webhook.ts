import { createHmac, randomUUID } from 'node:crypto';

/** What the fake knows of a finished workflow, enough for CircleCI's `workflow-completed` body. */
export interface CompletedWorkflow {
  pipeline: { id: string; number: number; createdAt: string; branch?: string; tag?: string };
  workflow: { id: string; name: string; createdAt: string; stoppedAt: string; url: string; status: string };
  project: { slug: string };
}

/** A webhook as CircleCI sends it: the raw JSON body and its headers. */
export interface SignedCircleciWebhook {
  body: string;
  headers: Record<string, string>;
}

/**
 * CircleCI's signature header value: `v1=<hex HMAC-SHA256 of the raw body, keyed by the webhook's
 * secret>` (https://circleci.com/docs/webhooks/#validate-webhooks).
 */
export function circleciSignature(body: string, secret: string): string {
  return `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The `workflow-completed` event of `completed`, signed with `secret`, in CircleCI's documented shape. */
export function signWorkflowCompleted(completed: CompletedWorkflow, secret: string): SignedCircleciWebhook {
  const [, org = '', repo = ''] = completed.project.slug.split('/');
  const body = JSON.stringify({
    id: randomUUID(),
    type: 'workflow-completed',
    happened_at: completed.workflow.stoppedAt,
    webhook: { id: randomUUID(), name: 'slipway' },
    workflow: {
      id: completed.workflow.id,
      name: completed.workflow.name,
      created_at: completed.workflow.createdAt,
      stopped_at: completed.workflow.stoppedAt,
      url: completed.workflow.url,
      status: completed.workflow.status,
    },
    pipeline: {
      id: completed.pipeline.id,
      number: completed.pipeline.number,
      created_at: completed.pipeline.createdAt,
      trigger: { type: 'api' },
      vcs: {
        provider_name: 'github',
        origin_repository_url: `https://github.com/${org}/${repo}`,
        target_repository_url: `https://github.com/${org}/${repo}`,
        ...(completed.pipeline.branch ? { branch: completed.pipeline.branch } : {}),
        ...(completed.pipeline.tag ? { tag: completed.pipeline.tag } : {}),
      },
    },
    project: { id: randomUUID(), name: repo, slug: completed.project.slug },
    organization: { id: randomUUID(), name: org },
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'CircleCI-Webhook/1.0',
      'circleci-event-type': 'workflow-completed',
      'circleci-signature': circleciSignature(body, secret),
    },
  };
}
