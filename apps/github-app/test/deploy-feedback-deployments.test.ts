// The deploy-feedback worker as `startGitHubApp` runs it, beyond the check run: each rollout is
// one GitHub Deployment with a status per state, and a preview's successes fill ONE comment on
// its pull request — on the fake GitHub, with real Redis, whatever order or how often jobs arrive.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { enqueueDeployFeedback } from '@slipway/queue';
import { appliedSequenceKey, PREVIEW_COMMENT_MARKER } from '../src/deploy-feedback/index.js';
import { DeployFeedbackJobs } from './support/deploy-feedback-jobs.js';
import { GitHubAppHarness } from './support/github-app-harness.js';

const h = new GitHubAppHarness();
let jobs: DeployFeedbackJobs;

beforeAll(async () => {
  await h.start();
  jobs = new DeployFeedbackJobs(
    h,
    await h.addRepo({ owner: 'acme', name: 'shop', files: { 'README.md': 'shop\n' } }),
  );
});
afterAll(() => h.close());

const statesOf = (rolloutId: string) =>
  jobs.deploymentsOf(rolloutId).map((deployment) => deployment.statuses.map((status) => status.state));

describe('deploy feedback → GitHub Deployment (fake GitHub, real Redis)', () => {
  it('makes one deployment per rollout, a status per change of state, and the URL on success', async () => {
    const rollout = jobs.newRollout();
    expect(await jobs.apply(jobs.state(rollout, 0, { status: 'queued' }))).toBe('created');
    expect(await jobs.apply(jobs.state(rollout, 1))).toBe('updated');
    expect(await jobs.apply(jobs.state(rollout, 3))).toBe('updated'); // still in progress: no new status
    expect(await jobs.apply(jobs.succeeded(rollout, 7))).toBe('updated');

    const [deployment, ...others] = jobs.deploymentsOf(rollout);
    expect(others).toEqual([]);
    expect(deployment).toMatchObject({
      sha: jobs.repo.git.sha,
      ref: jobs.repo.git.sha,
      task: 'deploy',
      environment: 'production',
      description: 'Slipway: shop',
      production_environment: true,
      transient_environment: false,
      payload: { slipway: { tenant: h.tenant, service: 'shop', rolloutId: rollout } },
    });
    expect(deployment!.statuses.map((s) => s.state)).toEqual(['queued', 'in_progress', 'success']);
    const run = h.checkRuns(jobs.repo).find((r) => r.external_id === rollout)!;
    expect(deployment!.statuses.at(-1)).toMatchObject({
      description: 'Deployed release r-shop-2 (2 replicas)',
      environment_url: `http://shop.${h.tenant}.localhost:8080`,
      log_url: run.html_url,
    });
    expect(deployment!.statuses[1]).toMatchObject({ environment_url: '' });
    expect(h.fake.requests.unhandled()).toEqual([]);
    expect(h.fake.serverErrors).toEqual([]);
  });

  it('ends a failed rollout on failure, and drops a late or repeated state without a second deployment or status', async () => {
    const rollout = jobs.newRollout();
    expect(await jobs.apply(jobs.state(rollout, 2))).toBe('created');
    expect(await jobs.apply(jobs.failed(rollout, 9))).toBe('updated');
    expect(await jobs.apply(jobs.state(rollout, 4))).toBe('stale'); // arrived late
    const again = await h.queues.deployFeedback.add('deploy-feedback', jobs.failed(rollout, 9), {
      jobId: `${h.tenant}.${rollout}.9-again`,
    });
    expect(await jobs.outcome(again.id!)).toBe('stale');
    expect(statesOf(rollout)).toEqual([['in_progress', 'failure']]);
  });

  it('finds the deployment and posts no second status when a job is retried after GitHub took it', async () => {
    const rollout = jobs.newRollout();
    expect(await jobs.apply(jobs.state(rollout, 2))).toBe('created');
    // A worker that died after GitHub took everything but before recording the sequence.
    await h.redis.del(appliedSequenceKey(h.prefix, { tenant: h.tenant, rolloutId: rollout }));
    const retried = await h.queues.deployFeedback.add('deploy-feedback', jobs.state(rollout, 2), {
      jobId: `${h.tenant}.${rollout}.2-retry`,
    });
    expect(await jobs.outcome(retried.id!)).toBe('updated');
    expect(statesOf(rollout)).toEqual([['in_progress']]);
  });

  it('ends on the newest state with one deployment when every state arrives at once, in any order', async () => {
    const rollout = jobs.newRollout();
    const ids = await Promise.all(
      [5, 2, 8, 1, 6, 3].map((sequence) =>
        enqueueDeployFeedback(
          h.queues.deployFeedback,
          sequence === 8 ? jobs.succeeded(rollout, 8) : jobs.state(rollout, sequence),
        ),
      ),
    );
    await Promise.all(ids.map((id) => jobs.outcome(id)));
    const [states, ...others] = statesOf(rollout);
    expect(others).toEqual([]);
    expect(states!.at(-1)).toBe('success');
    expect(states!.filter((s) => s === 'success')).toHaveLength(1);
    expect(states!.filter((s) => s === 'in_progress').length).toBeLessThanOrEqual(1);
  });

  it('marks a preview deployment transient, and a cancelled rollout inactive', async () => {
    const rollout = jobs.newRollout();
    await jobs.apply(jobs.state(rollout, 1, { environment: 'pr-3' }));
    await jobs.apply(
      jobs.state(rollout, 4, {
        environment: 'pr-3',
        status: 'completed',
        conclusion: 'cancelled',
        title: 'Cancelled: superseded by release r-shop-3',
        completedAt: '2026-11-26T14:01:00.000Z',
      }),
    );
    expect(jobs.deploymentsOf(rollout)).toEqual([
      expect.objectContaining({
        environment: 'pr-3',
        transient_environment: true,
        production_environment: false,
      }),
    ]);
    expect(statesOf(rollout)).toEqual([['in_progress', 'inactive']]);
    expect(jobs.comments(3)).toEqual([]);
  });

  it('gives an internal service no environment URL', async () => {
    const rollout = jobs.newRollout();
    await jobs.apply(jobs.succeeded(rollout, 5, { environment: 'staging', url: null }));
    const [deployment] = jobs.deploymentsOf(rollout);
    expect(deployment).toMatchObject({ environment: 'staging', production_environment: false });
    expect(deployment!.statuses).toEqual([
      expect.objectContaining({ state: 'success', environment_url: '' }),
    ]);
  });

  it('still shows the check run when the installation may not create deployments, and logs why', async () => {
    const { id: installationId } = h.fake.addInstallation({
      account: 'oldco',
      permissions: { checks: 'write', contents: 'read', metadata: 'read' },
    });
    const repo = await h.addRepo({ owner: 'oldco', name: 'legacy', files: { 'README.md': 'x\n' } });
    expect(repo.installationId).toBe(installationId);
    const old = new DeployFeedbackJobs(h, repo);
    const rollout = old.newRollout();
    expect(await old.apply(old.succeeded(rollout, 3, { environment: 'pr-4' }))).toBe('created');
    expect(h.checkRuns(repo)).toEqual([
      expect.objectContaining({ external_id: rollout, conclusion: 'success' }),
    ]);
    expect(old.deploymentsOf(rollout)).toEqual([]);
    expect(old.comments(4)).toEqual([]);
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        rollout,
        step: 'GitHub deployment',
        error: expect.objectContaining({ status: 403 }),
        msg: expect.stringMatching(/^GitHub deployment skipped/),
      }),
    );
    expect(h.logs).toContainEqual(expect.objectContaining({ rollout, step: 'preview comment' }));
  });
});

describe('deploy feedback → one preview comment per pull request', () => {
  const previewUrl = (service: string, pr: number) => `http://${service}-pr-${pr}.${h.tenant}.localhost:8080`;
  const success = (service: string, pr: number, fields = {}) =>
    jobs.succeeded(jobs.newRollout(), 6, {
      environment: `pr-${pr}`,
      service,
      url: previewUrl(service, pr),
      ...fields,
    });

  it('creates the comment on the first success, adds a second service, and updates a re-deployed line', async () => {
    // Someone else's comment quoting the marker is left alone.
    h.fake.addIssueComment({
      owner: 'acme',
      repo: 'shop',
      issueNumber: 7,
      user: 'octocat',
      body: `${PREVIEW_COMMENT_MARKER}\nnot Slipway's`,
    });
    // Running states of a preview touch no comment.
    const running = jobs.newRollout();
    await jobs.apply(
      jobs.state(running, 1, { environment: 'pr-7', service: 'web', url: previewUrl('web', 7) }),
    );
    expect(jobs.comments(7)).toHaveLength(1);

    const first = jobs.repo.git.sha;
    await jobs.apply(success('web', 7));
    const ours = () => jobs.comments(7).filter((c) => (c.user as { type: string }).type === 'Bot');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body).toContain(`| web | ${previewUrl('web', 7)} | ${first} |`);

    await jobs.apply(success('api', 7));
    const [both, ...more] = ours();
    expect(more).toEqual([]);
    expect(both!.body).toContain(`| api | ${previewUrl('api', 7)} | ${first} |`);
    expect(both!.body).toContain(`| web | ${previewUrl('web', 7)} | ${first} |`);

    const newer = await jobs.repo.git.commit({ 'README.md': 'shop, again\n' });
    await jobs.apply(success('web', 7, { commit: newer }));
    const [redeployed, ...extra] = ours();
    expect(extra).toEqual([]);
    expect(redeployed!.id).toBe(both!.id);
    expect(redeployed!.body).toContain(`| web | ${previewUrl('web', 7)} | ${newer} |`);
    expect(redeployed!.body).not.toContain(`| web | ${previewUrl('web', 7)} | ${first} |`);
    expect(redeployed!.body).toContain(`| api | ${previewUrl('api', 7)} |`);
    expect(h.fake.callsTo('POST', `/repos/acme/shop/issues/7/comments`)).toHaveLength(1);

    // An internal service of the preview adds no line, and production no comment.
    await jobs.apply(success('worker', 7, { url: null }));
    expect(ours()[0]!.body).not.toContain('| worker |');
    await jobs.apply(jobs.succeeded(jobs.newRollout(), 6));
    expect(h.fake.callsTo('POST', `/repos/acme/shop/issues/7/comments`)).toHaveLength(1);
  });

  it('writes one comment with every service when the services of a preview succeed at once', async () => {
    // GitHub (probot's throttling) spaces writes 1 s and comments 3 s apart: the jobs queue up
    // on the comment's lock, each reading what the one before wrote.
    const services = ['alpha', 'beta', 'gamma'];
    const ids = await Promise.all(
      services.map((service) => enqueueDeployFeedback(h.queues.deployFeedback, success(service, 8))),
    );
    await Promise.all(ids.map((id) => jobs.outcome(id, 60_000)));
    const comments = jobs.comments(8);
    expect(comments).toHaveLength(1);
    for (const service of services)
      expect(comments[0]!.body).toContain(`| ${service} | ${previewUrl(service, 8)} |`);
  }, 90_000);
});
