import { authorizeRepo } from '../authorize.js';
import type { IssueCommentRecord } from '../fake-records.js';
import type { Repo } from '../fake-state.js';
import { GitHubError, notFound } from '../github-error.js';
import { accountJson, appJson, botAccount, nodeId, repoHtmlUrl, repoUrl } from '../github-shapes.js';
import { paginate } from '../pagination.js';
import type { PermissionNeed } from '../permissions.js';
import { json, type Route, type RouteContext, route, type ShapeContext } from '../router.js';
import { asObject } from './body-checks.js';

/** GitHub's limit on an issue comment body. */
export const MAX_COMMENT_CHARS = 65536;
// A pull request is an issue: either permission lets an app comment on it.
const READ: PermissionNeed = [{ issues: 'read' }, { pull_requests: 'read' }];
const WRITE: PermissionNeed = [{ issues: 'write' }, { pull_requests: 'write' }];

export function commentJson(
  context: ShapeContext,
  repo: Repo,
  comment: IssueCommentRecord,
): Record<string, unknown> {
  const issueUrl = `${repoUrl(context.urls, repo)}/issues/${comment.issueNumber}`;
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${repoUrl(context.urls, repo)}/issues/comments/${comment.id}`,
    html_url: `${repoHtmlUrl(context.urls, repo)}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: issueUrl,
    body: comment.body,
    user: accountJson(context.urls, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: 'NONE',
    performed_via_github_app: comment.user.type === 'Bot' ? appJson(context) : null,
  };
}

/** The body of a create/update request, or GitHub's 422. */
function commentBody(context: RouteContext): string {
  const body = asObject(context.body)?.body;
  if (typeof body !== 'string' || body.length === 0) {
    throw new GitHubError({
      status: 422,
      message: 'Validation Failed',
      errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
    });
  }
  if (body.length > MAX_COMMENT_CHARS) {
    throw new GitHubError({
      status: 422,
      message: 'Validation Failed',
      errors: [
        {
          resource: 'IssueComment',
          code: 'custom',
          field: 'body',
          message: `body is too long (maximum is ${MAX_COMMENT_CHARS} characters)`,
        },
      ],
    });
  }
  return body;
}

function issueNumber(context: RouteContext): number {
  const number = Number(context.params.issue_number);
  if (!Number.isInteger(number) || number < 1)
    throw notFound(`"${context.params.issue_number}" is not an issue number`);
  return number;
}

function findComment(context: RouteContext, repo: Repo): IssueCommentRecord {
  const id = Number(context.params.comment_id);
  const comment = context.state.comments.find(
    (candidate) => candidate.id === id && candidate.repoId === repo.id,
  );
  if (!comment) throw notFound(`no comment ${context.params.comment_id} in ${repo.owner.login}/${repo.name}`);
  return comment;
}

/** Issue and pull-request comments. Every issue number exists: the fake does not model issues themselves. */
export const issueCommentsRoutes: Route[] = [
  route('POST', '/repos/:owner/:repo/issues/:issue_number/comments', (context) => {
    const { repo } = authorizeRepo(context, WRITE);
    const number = issueNumber(context);
    const body = commentBody(context);
    const comment = context.state.addComment({
      repoId: repo.id,
      issueNumber: number,
      body,
      user: botAccount(context.app),
    });
    return json(201, commentJson(context, repo, comment));
  }),
  route('GET', '/repos/:owner/:repo/issues/:issue_number/comments', (context) => {
    const { repo } = authorizeRepo(context, READ);
    const number = issueNumber(context);
    const since = context.query.get('since');
    const comments = context.state.comments
      .filter((comment) => comment.repoId === repo.id && comment.issueNumber === number)
      .filter((comment) => since === null || comment.updatedAt >= since)
      .sort((a, b) => a.id - b.id);
    const page = paginate(comments, context.url);
    return json(
      200,
      page.items.map((comment) => commentJson(context, repo, comment)),
      page.headers,
    );
  }),
  route('GET', '/repos/:owner/:repo/issues/comments/:comment_id', (context) => {
    const { repo } = authorizeRepo(context, READ);
    return json(200, commentJson(context, repo, findComment(context, repo)));
  }),
  route('PATCH', '/repos/:owner/:repo/issues/comments/:comment_id', (context) => {
    const { repo } = authorizeRepo(context, WRITE);
    const comment = findComment(context, repo);
    comment.body = commentBody(context);
    comment.updatedAt = context.state.nowIso();
    return json(200, commentJson(context, repo, comment));
  }),
  route('DELETE', '/repos/:owner/:repo/issues/comments/:comment_id', (context) => {
    const { repo } = authorizeRepo(context, WRITE);
    const comment = findComment(context, repo);
    context.state.comments.splice(context.state.comments.indexOf(comment), 1);
    return { status: 204 };
  }),
];
