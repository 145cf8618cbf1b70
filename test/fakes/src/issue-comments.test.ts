import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Octokit } from '@octokit/rest';
import { type FakeGitHub, startFakeGitHub } from './fake-github.js';
import { quietOctokit } from './quiet-octokit.js';

describe('issue and pull-request comments', () => {
  let fake: FakeGitHub;
  let octokit: Octokit;
  const where = { owner: 'acme', repo: 'web' };

  beforeAll(async () => {
    fake = await startFakeGitHub();
    const { installationId } = fake.addRepo({ owner: 'acme', name: 'web' });
    octokit = quietOctokit({ baseUrl: fake.baseUrl, auth: fake.createInstallationToken(installationId!) });
  });

  afterAll(() => fake.close());

  it('creates, lists, reads and updates the app’s comment beside a human’s', async () => {
    fake.addIssueComment({ ...where, issueNumber: 7, body: 'LGTM', user: 'octocat' });

    const created = await octokit.rest.issues.createComment({
      ...where,
      issue_number: 7,
      body: 'Preview: building…',
    });
    const listed = await octokit.rest.issues.listComments({ ...where, issue_number: 7 });
    const updated = await octokit.rest.issues.updateComment({
      ...where,
      comment_id: created.data.id,
      body: 'Preview: http://web-pr-7.acme.localhost:8080',
    });
    const read = await octokit.rest.issues.getComment({ ...where, comment_id: created.data.id });

    expect(created.status).toBe(201);
    expect(created.data.user).toMatchObject({ login: 'slipway[bot]', type: 'Bot' });
    expect(listed.data.map((comment) => [comment.user?.login, comment.body])).toEqual([
      ['octocat', 'LGTM'],
      ['slipway[bot]', 'Preview: building…'],
    ]);
    expect(updated.data.body).toBe('Preview: http://web-pr-7.acme.localhost:8080');
    expect(read.data).toEqual(updated.data);
    expect(fake.comments({ ...where, issueNumber: 7 }).map((comment) => comment.body)).toEqual([
      'LGTM',
      'Preview: http://web-pr-7.acme.localhost:8080',
    ]);
  });

  it('pages long lists with link headers that octokit.paginate follows', async () => {
    for (const n of [1, 2, 3, 4, 5]) {
      await octokit.rest.issues.createComment({ ...where, issue_number: 8, body: `comment ${n}` });
    }

    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      ...where,
      issue_number: 8,
      per_page: 2,
    });

    expect(all.map((comment) => comment.body)).toEqual([1, 2, 3, 4, 5].map((n) => `comment ${n}`));
    expect(fake.callsTo('GET', '/repos/acme/web/issues/8/comments')).toHaveLength(3);
  });

  it('refuses an empty or oversized body with 422 "Validation Failed"', async () => {
    const empty = octokit.rest.issues.createComment({ ...where, issue_number: 7, body: '' });
    await expect(empty).rejects.toMatchObject({
      status: 422,
      response: {
        data: { message: 'Validation Failed', errors: [{ field: 'body', code: 'missing_field' }] },
      },
    });
    const huge = octokit.rest.issues.createComment({ ...where, issue_number: 7, body: 'x'.repeat(65537) });
    await expect(huge).rejects.toMatchObject({ status: 422 });
  });

  it('answers 404 for updating a comment that does not exist', async () => {
    const failure = octokit.rest.issues.updateComment({ ...where, comment_id: 1, body: 'x' });

    await expect(failure).rejects.toMatchObject({ status: 404 });
  });

  it('raised no errors inside the fake', () => {
    expect(fake.requests.unhandled()).toEqual([]);
    expect(fake.serverErrors).toEqual([]);
  });
});
