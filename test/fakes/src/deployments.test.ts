import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Octokit } from '@octokit/rest';
import { type FakeGitHub, startFakeGitHub } from './fake-github.js';
import { createGitRepo, type GitRepo } from './git-repo.js';
import { quietOctokit } from './quiet-octokit.js';

// A plain string so the test can send a state octokit's types (rightly) forbid.
const UNTYPED_CREATE_STATUS: string = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';

describe('deployments and deployment statuses', () => {
  let fake: FakeGitHub;
  let repo: GitRepo;
  let octokit: Octokit;
  const where = { owner: 'acme', repo: 'web' };

  beforeAll(async () => {
    fake = await startFakeGitHub();
    repo = await createGitRepo({ files: { 'slipway.yaml': 'services: {}\n' } });
    await repo.createBranch('feature/login');
    const { installationId } = fake.addRepo({ owner: 'acme', name: 'web', git: repo });
    octokit = quietOctokit({ baseUrl: fake.baseUrl, auth: fake.createInstallationToken(installationId!) });
  });

  afterAll(async () => {
    await fake.close();
    await repo.remove();
  });

  it('creates a deployment for a branch and records its statuses with the environment URL', async () => {
    const { data: deployment, status } = await octokit.rest.repos.createDeployment({
      ...where,
      ref: 'main',
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
      payload: { release: 'rel-1' },
    });
    if (!('id' in deployment)) throw new Error('expected a deployment, got a merge message');
    await octokit.rest.repos.createDeploymentStatus({
      ...where,
      deployment_id: deployment.id,
      state: 'in_progress',
    });
    await octokit.rest.repos.createDeploymentStatus({
      ...where,
      deployment_id: deployment.id,
      state: 'success',
      environment_url: 'http://web.acme.localhost:8080',
      log_url: 'http://127.0.0.1:3100/releases/rel-1',
    });
    const statuses = await octokit.rest.repos.listDeploymentStatuses({
      ...where,
      deployment_id: deployment.id,
    });
    const listed = await octokit.rest.repos.listDeployments({ ...where, environment: 'production' });

    expect(status).toBe(201);
    expect(deployment).toMatchObject({
      sha: repo.sha,
      ref: 'main',
      environment: 'production',
      production_environment: true,
      payload: { release: 'rel-1' },
    });
    expect(deployment.creator?.login).toBe('slipway[bot]');
    expect(statuses.data.map((entry) => entry.state)).toEqual(['success', 'in_progress']);
    expect(statuses.data[0]).toMatchObject({
      environment_url: 'http://web.acme.localhost:8080',
      log_url: 'http://127.0.0.1:3100/releases/rel-1',
      target_url: 'http://127.0.0.1:3100/releases/rel-1',
    });
    expect(listed.data.map((entry) => entry.id)).toEqual([deployment.id]);
  });

  it('marks the previous preview deployment inactive when a new one succeeds (auto_inactive)', async () => {
    const deployPreview = async () => {
      const { data } = await octokit.rest.repos.createDeployment({
        ...where,
        ref: 'feature/login',
        environment: 'pr-7',
        transient_environment: false,
        required_contexts: [],
      });
      if (!('id' in data)) throw new Error('expected a deployment');
      await octokit.rest.repos.createDeploymentStatus({ ...where, deployment_id: data.id, state: 'success' });
      return data.id;
    };

    const first = await deployPreview();
    const second = await deployPreview();

    const states = (id: number) =>
      fake
        .deployments(where)
        .find((deployment) => deployment.id === id)
        ?.statuses.map((status) => status.state);
    expect(states(first)).toEqual(['success', 'inactive']);
    expect(states(second)).toEqual(['success']);
  });

  it('refuses to deploy a commit whose checks are not green unless required_contexts is given', async () => {
    await octokit.rest.checks.create({ ...where, name: 'lint', head_sha: repo.sha, conclusion: 'failure' });

    const blocked = octokit.rest.repos.createDeployment({ ...where, ref: repo.sha, environment: 'staging' });
    await expect(blocked).rejects.toMatchObject({
      status: 409,
      response: { data: { message: `Conflict: Commit status checks failed for ${repo.sha}.` } },
    });

    const forced = await octokit.rest.repos.createDeployment({
      ...where,
      ref: repo.sha,
      environment: 'staging',
      required_contexts: [],
    });
    expect(forced.status).toBe(201);
  });

  it('validates statuses and refs like GitHub (422) and answers 404 for an unknown deployment', async () => {
    const [existing] = fake.deployments(where);
    const id = Number(existing?.id);

    const badState = octokit.request(UNTYPED_CREATE_STATUS, {
      ...where,
      deployment_id: id,
      state: 'done',
    });
    await expect(badState).rejects.toMatchObject({ status: 422 });
    const longDescription = octokit.rest.repos.createDeploymentStatus({
      ...where,
      deployment_id: id,
      state: 'success',
      description: 'x'.repeat(141),
    });
    await expect(longDescription).rejects.toMatchObject({ status: 422 });
    const unknownRef = octokit.rest.repos.createDeployment({
      ...where,
      ref: 'no-such-branch',
      required_contexts: [],
    });
    await expect(unknownRef).rejects.toMatchObject({ status: 422 });
    const unknown = octokit.rest.repos.listDeploymentStatuses({ ...where, deployment_id: 1 });
    await expect(unknown).rejects.toMatchObject({ status: 404 });
  });

  it('raised no errors inside the fake', () => {
    expect(fake.requests.unhandled()).toEqual([]);
    expect(fake.serverErrors).toEqual([]);
  });
});
