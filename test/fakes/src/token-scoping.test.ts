import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAppJwt } from './app-jwt.js';
import { type FakeGitHub, startFakeGitHub } from './fake-github.js';
import { createGitRepo, type GitRepo } from './git-repo.js';
import { quietOctokit } from './quiet-octokit.js';

describe('token scoping, permissions and unknown endpoints', () => {
  let fake: FakeGitHub;
  let repo: GitRepo;
  let acme: number;
  let globex: number;

  beforeAll(async () => {
    fake = await startFakeGitHub();
    repo = await createGitRepo({ files: { 'slipway.yaml': 'services: {}\n' } });
    acme = fake.addRepo({ owner: 'acme', name: 'web', git: repo }).installationId!;
    fake.addRepo({ owner: 'acme', name: 'api', git: repo });
    globex = fake.addRepo({ owner: 'globex', name: 'shop', git: repo }).installationId!;
    fake.setCollaborator({ owner: 'acme', repo: 'web', username: 'alice', role: 'maintain' });
    fake.setOrgMembership({ org: 'acme', username: 'alice', role: 'admin' });
    fake.setOrgMembership({ org: 'acme', username: 'bob' });
  });

  afterAll(async () => {
    await fake.close();
    await repo.remove();
  });

  const tokenFor = (installationId: number, repositoryIds?: number[]) =>
    quietOctokit({
      baseUrl: fake.baseUrl,
      auth: fake.createInstallationToken(installationId, repositoryIds ? { repositoryIds } : {}),
    });

  it('gives two installations two separate worlds (404 across, like GitHub)', async () => {
    const acmeClient = tokenFor(acme);

    const own = await acmeClient.rest.repos.getContent({ owner: 'acme', repo: 'web', path: 'slipway.yaml' });
    expect(own.status).toBe(200);
    await expect(
      acmeClient.rest.repos.getContent({ owner: 'globex', repo: 'shop', path: 'slipway.yaml' }),
    ).rejects.toMatchObject({ status: 404, response: { data: { message: 'Not Found' } } });
    await expect(
      acmeClient.rest.checks.create({ owner: 'globex', repo: 'shop', name: 'build', head_sha: repo.sha }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      tokenFor(globex).rest.issues.createComment({ owner: 'acme', repo: 'web', issue_number: 1, body: 'hi' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('limits a token minted for some repositories to those', async () => {
    const { data: web } = await tokenFor(acme).rest.repos.get({ owner: 'acme', repo: 'web' });
    const webOnly = tokenFor(acme, [web.id]);

    const visible = await webOnly.rest.apps.listReposAccessibleToInstallation();
    expect(visible.data.repositories.map((entry) => entry.full_name)).toEqual(['acme/web']);
    await expect(webOnly.rest.repos.get({ owner: 'acme', repo: 'api' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('answers 401 without credentials, with a made-up token, and with an app JWT on a repo endpoint', async () => {
    const anonymous = quietOctokit({ baseUrl: fake.baseUrl });
    const madeUp = quietOctokit({ baseUrl: fake.baseUrl, auth: 'ghs_madeup' });
    const jwt = quietOctokit({
      baseUrl: fake.baseUrl,
      auth: createAppJwt({ appId: fake.appId, privateKey: fake.privateKey }),
    });

    await expect(anonymous.rest.repos.get({ owner: 'acme', repo: 'web' })).rejects.toMatchObject({
      status: 401,
      response: { data: { message: 'Requires authentication' } },
    });
    await expect(madeUp.rest.repos.get({ owner: 'acme', repo: 'web' })).rejects.toMatchObject({
      status: 401,
      response: {
        data: { message: 'Bad credentials' },
        headers: { 'x-fake-github-reason': expect.any(String) },
      },
    });
    await expect(jwt.rest.repos.get({ owner: 'acme', repo: 'web' })).rejects.toMatchObject({ status: 401 });
  });

  it('answers 403 once the installation is suspended', async () => {
    const client = tokenFor(acme);
    fake.setInstallationSuspended(acme, true);

    try {
      await expect(client.rest.repos.get({ owner: 'acme', repo: 'web' })).rejects.toMatchObject({
        status: 403,
      });
    } finally {
      fake.setInstallationSuspended(acme, false);
    }
  });

  it('reports a collaborator’s role and permission as configured, 404 for strangers', async () => {
    const client = tokenFor(acme);

    const alice = await client.rest.repos.getCollaboratorPermissionLevel({
      owner: 'acme',
      repo: 'web',
      username: 'alice',
    });

    expect(alice.data).toMatchObject({
      permission: 'write',
      role_name: 'maintain',
      user: { login: 'alice' },
    });
    await expect(
      client.rest.repos.getCollaboratorPermissionLevel({ owner: 'acme', repo: 'web', username: 'mallory' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('reports org membership roles as configured, 404 for non-members and other orgs', async () => {
    const client = tokenFor(acme);

    const alice = await client.rest.orgs.getMembershipForUser({ org: 'acme', username: 'alice' });
    const bob = await client.rest.orgs.getMembershipForUser({ org: 'acme', username: 'bob' });

    expect(alice.data).toMatchObject({ role: 'admin', state: 'active', user: { login: 'alice' } });
    expect(bob.data.role).toBe('member');
    await expect(
      client.rest.orgs.getMembershipForUser({ org: 'acme', username: 'mallory' }),
    ).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      client.rest.orgs.getMembershipForUser({ org: 'globex', username: 'alice' }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it('answers 404 JSON for endpoints it does not model and lists them as unhandled', async () => {
    const client = tokenFor(acme);
    fake.requests.clear();

    const failure = client.rest.repos.listBranches({ owner: 'acme', repo: 'web' });

    await expect(failure).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found' } },
    });
    expect(fake.requests.unhandled()).toMatchObject([
      { method: 'GET', path: '/repos/acme/web/branches', status: 404 },
    ]);
  });

  it('raised no errors inside the fake', () => {
    expect(fake.serverErrors).toEqual([]);
  });
});
