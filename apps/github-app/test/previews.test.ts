import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { examplePayload } from '@slipway/fakes';
import { isPreviewClosed, latestBuild } from '@slipway/queue';
import { PolicyStore } from '@slipway/state';
import { closedPreviewCommentBody, previewCommentBody } from '../src/deploy-feedback/preview-comment.js';
import { GitHubAppHarness, type HarnessRepo } from './support/github-app-harness.js';

const slipwayYaml = (previews: boolean) =>
  [
    'services:',
    '  web:',
    '    build: {}',
    '    port: 8080',
    '    replicas: 3',
    '    domains: [www.site.test]',
    'branches:',
    '  main: production',
    `previews: { enabled: ${previews} }`,
    '',
  ].join('\n');

describe('pull request previews through startGitHubApp (fake GitHub with pull requests)', () => {
  const h = new GitHubAppHarness();

  beforeAll(() => h.start());
  afterAll(() => h.close());

  /** A repo whose `feature` branch is one commit apart from `main`; returns the branch's head. */
  async function repoWithBranch(name: string, previews: boolean, owner = 'acme') {
    const repo = await h.addRepo({ owner, name, files: { 'slipway.yaml': slipwayYaml(previews) } });
    const head = repo.git.sha;
    await repo.git.createBranch('feature');
    await repo.git.commit({ 'CHANGELOG.md': 'main moved on\n' });
    return { repo, head };
  }

  const prPayload = (repo: HarnessRepo, action: string, number: number, sha: string) =>
    examplePayload('pull_request', {
      action,
      repository: { owner: repo.owner, name: repo.name, id: repo.id },
      installationId: repo.installationId,
      sha,
      ref: 'feature',
      pullRequestNumber: number,
    });

  it('builds the head of a pull request into pr-<number> when slipway.yaml enables previews', async () => {
    const { repo, head } = await repoWithBranch('site', true);
    const number = await h.openPullRequest(repo, 'feature');
    expect(await h.deliver('pull_request', prPayload(repo, 'opened', number, head))).toMatchObject({
      state: 'completed',
      returnvalue: 'builds-queued',
    });
    const job = await h.queues.builds.getJob(`${h.tenant}.web.pr-${number}.${head}`);
    expect(job?.data).toMatchObject({
      environment: `pr-${number}`,
      ref: `refs/pull/${number}/head`,
      commit: head,
      // A preview runs previews.replicas and never answers on production's custom domains.
      serviceDefaults: { replicas: 1, domains: [] },
    });
    expect(h.checkRuns(repo)).toEqual([
      expect.objectContaining({ name: 'Slipway build / web', head_sha: head, status: 'queued' }),
    ]);
    const line = { tenant: h.tenant, service: 'web', ref: `refs/pull/${number}/head`, prefix: h.prefix };
    expect(await latestBuild(h.redis, line)).toBe(head);

    // A new commit on the branch: synchronize builds the new head, on the same line.
    const next = await repo.git.commit({ 'feature.txt': 'more\n' });
    await repo.git.createBranch('feature', next);
    expect(await h.deliver('pull_request', prPayload(repo, 'synchronize', number, next))).toMatchObject({
      returnvalue: 'builds-queued',
    });
    expect((await h.queues.builds.getJob(`${h.tenant}.web.pr-${number}.${next}`))?.data.environment).toBe(
      `pr-${number}`,
    );
    expect(await latestBuild(h.redis, line)).toBe(next);

    // Its preview was deployed (the GitHub App makes a deployment per environment).
    const deployment = (await h.github(repo, 'POST', `/repos/${repo.fullName}/deployments`, {
      ref: next,
      environment: `pr-${number}`,
      auto_merge: false,
      required_contexts: [],
    })) as { id: number };

    const comment = (await h.github(repo, 'POST', `/repos/${repo.fullName}/issues/${number}/comments`, {
      body: previewCommentBody(
        undefined,
        { service: 'web', url: 'http://web-pr.acme.test', commit: next },
        number,
      ),
    })) as { id: number };

    // Closed: the preview is marked closed, torn down by the controller (now and a minute later),
    // its deployment goes inactive on GitHub and its comment says it is gone.
    await h.closePullRequest(repo, number);
    const closed = prPayload(repo, 'closed', number, next);
    expect(await h.deliver('pull_request', closed)).toMatchObject({ returnvalue: 'preview-torn-down' });
    const preview = { tenant: h.tenant, repositoryId: repo.id, number, prefix: h.prefix };
    expect(await isPreviewClosed(h.redis, preview)).toBe(true);
    const teardowns = await h.queues.previewTeardowns.getJobs(['waiting', 'delayed']);
    const ours = teardowns.filter((job) => job.data.repository.id === repo.id);
    expect(ours.map((job) => job.data)).toEqual([
      expect.objectContaining({ tenant: h.tenant, environment: `pr-${number}`, number }),
      expect.objectContaining({ tenant: h.tenant, environment: `pr-${number}`, number }),
    ]);
    expect(ours.map((job) => job.opts.delay ?? 0).sort((a, b) => a - b)).toEqual([0, 60_000]);
    const statuses = (await h.github(
      repo,
      'GET',
      `/repos/${repo.fullName}/deployments/${deployment.id}/statuses`,
    )) as { state: string }[];
    expect(statuses[0]?.state).toBe('inactive');
    const updated = (await h.github(
      repo,
      'GET',
      `/repos/${repo.fullName}/issues/comments/${comment.id}`,
    )) as {
      body: string;
    };
    expect(updated.body).toBe(closedPreviewCommentBody(number));

    // Reopened: it builds again, and a deploy may make the preview once more.
    await h.closePullRequest(repo, number, 'open');
    expect(await h.deliver('pull_request', prPayload(repo, 'reopened', number, next))).toMatchObject({
      returnvalue: 'builds-queued',
    });
    expect(await isPreviewClosed(h.redis, preview)).toBe(false);
    // A close handled after the reopening changes nothing: GitHub says the pull request is open.
    expect(await h.deliver('pull_request', closed)).toMatchObject({
      returnvalue: 'pull-request-open',
    });
    expect(await isPreviewClosed(h.redis, preview)).toBe(false);
    expect(h.fake.requests.unhandled()).toEqual([]);
  });

  it('ignores pull requests quietly when previews are off', async () => {
    const { repo, head } = await repoWithBranch('quiet', false);
    const number = await h.openPullRequest(repo, 'feature');
    const before = await h.queues.builds.count();
    expect(await h.deliver('pull_request', prPayload(repo, 'opened', number, head))).toMatchObject({
      state: 'completed',
      returnvalue: 'previews-disabled',
    });
    expect(await h.queues.builds.count()).toBe(before);
    expect(h.checkRuns(repo)).toEqual([]);
  });

  it('never builds a pull request from a fork, and says why with a neutral check run', async () => {
    const { repo, head } = await repoWithBranch('open-source', true);
    // The fork shares the base's git, as GitHub shares a fork's commits through refs/pull.
    h.fake.addRepo({ owner: 'mallory', name: 'open-source', git: repo.git, installed: false });
    const number = await h.openPullRequest(repo, 'mallory:feature');
    const before = await h.queues.builds.count();
    expect(await h.deliver('pull_request', prPayload(repo, 'opened', number, head))).toMatchObject({
      state: 'completed',
      returnvalue: 'fork',
    });
    expect(await h.queues.builds.count()).toBe(before);
    const runs = h.checkRuns(repo);
    expect(runs).toEqual([
      expect.objectContaining({ name: 'Slipway preview', head_sha: head, conclusion: 'neutral' }),
    ]);
    expect((runs[0]!.output as { summary: string }).summary).toMatch(/fork/);
  });

  it("refuses a preview beyond the tenant's preview limit, naming the limit", async () => {
    const { repo, head } = await repoWithBranch('busy', true);
    await new PolicyStore({ store: h.store }).update(
      h.tenant,
      { limits: { previews: 1 } },
      { by: 'test', now: Date.now() },
    );
    // Another pull request's preview is running already.
    await h.store.put(`tenants/${h.tenant}/services/pr-9999/web.json`, { placeholder: true });
    const number = await h.openPullRequest(repo, 'feature');
    expect(await h.deliver('pull_request', prPayload(repo, 'opened', number, head))).toMatchObject({
      returnvalue: 'preview-refused',
    });
    expect(await h.queues.builds.getJob(`${h.tenant}.web.pr-${number}.${head}`)).toBeUndefined();
    const [run] = h.checkRuns(repo);
    expect(run).toMatchObject({ name: 'Slipway preview', conclusion: 'neutral' });
    expect((run!.output as { summary: string }).summary).toContain('limits.previews = 1');
  });
});
