import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeGitHub, startFakeGitHub } from './fake-github.js';
import { createGitRepo, type GitRepo } from './git-repo.js';
import { quietOctokit } from './quiet-octokit.js';

describe('user OAuth tokens and the /user endpoints', () => {
  let fake: FakeGitHub;
  let repo: GitRepo;
  let acmeInstallation: number;
  let aliceToken: string;

  const asUser = (token: string) => quietOctokit({ baseUrl: fake.baseUrl, auth: token });
  const asInstallation = () =>
    quietOctokit({ baseUrl: fake.baseUrl, auth: fake.createInstallationToken(acmeInstallation) });

  beforeAll(async () => {
    fake = await startFakeGitHub();
    repo = await createGitRepo({ files: { 'slipway.yaml': 'services: {}\n' } });
    acmeInstallation = fake.addRepo({ owner: 'acme', name: 'web', git: repo }).installationId!;
    fake.setOrgMembership({ org: 'acme', username: 'alice', role: 'admin' });
    fake.setOrgMembership({ org: 'acme', username: 'bob' });
    fake.setOrgMembership({ org: 'acme', username: 'carol', state: 'pending' });
    fake.setOrgMembership({ org: 'globex', username: 'alice' });
    fake.setOrgMembership({ org: 'initech', username: 'alice', role: 'admin', state: 'pending' });
    fake.setOrgMembership({ org: 'acme', username: 'erin', role: 'admin' });
    aliceToken = fake.addUserToken({ login: 'alice', id: 583_231 });
  });

  afterAll(async () => {
    await fake.close();
    await repo.remove();
  });

  it('answers GET /user for the token’s user and records the call like any other', async () => {
    fake.requests.clear();

    const { data, headers } = await asUser(aliceToken).rest.users.getAuthenticated();

    expect(aliceToken).toMatch(/^gho_[A-Za-z0-9]{36}$/);
    expect(data).toMatchObject({ login: 'alice', id: 583_231, type: 'User', site_admin: false });
    expect(headers['x-oauth-scopes']).toBe('read:org, read:user, user:email');
    expect(fake.callsTo('GET', '/user')).toMatchObject([
      { status: 200, route: 'GET /user', headers: { authorization: `token ${aliceToken}` } },
    ]);
  });

  it('takes the token with the bearer scheme too', async () => {
    const response = await fetch(`${fake.baseUrl}/user`, {
      headers: { authorization: `bearer ${aliceToken}` },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ login: 'alice', id: 583_231 });
  });

  it('reports the user’s own membership: admin, member, pending — in GitHub’s shape', async () => {
    const bob = asUser(fake.addUserToken({ login: 'bob' }));
    const carol = asUser(fake.addUserToken({ login: 'carol' }));

    const admin = await asUser(aliceToken).rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' });
    const member = await bob.rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' });
    const pending = await carol.rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' });

    expect(admin.data).toEqual({
      url: `${fake.baseUrl}/orgs/acme/memberships/alice`,
      state: 'active',
      role: 'admin',
      organization_url: `${fake.baseUrl}/orgs/acme`,
      organization: expect.objectContaining({
        login: 'acme',
        id: expect.any(Number),
        url: `${fake.baseUrl}/orgs/acme`,
      }),
      user: expect.objectContaining({ login: 'alice', id: 583_231, type: 'User' }),
    });
    expect(member.data).toMatchObject({ state: 'active', role: 'member', user: { login: 'bob' } });
    expect(pending.data).toMatchObject({ state: 'pending', role: 'member', organization: { login: 'acme' } });
  });

  it('matches the org name case-insensitively and names it as it is spelled', async () => {
    const { data } = await asUser(aliceToken).rest.orgs.getMembershipForAuthenticatedUser({ org: 'ACME' });

    expect(data.organization.login).toBe('acme');
  });

  it('answers 404 when the user is not a member, or the org is unknown', async () => {
    const dave = asUser(fake.addUserToken({ login: 'dave' }));

    await expect(dave.rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' })).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found' } },
    });
    await expect(
      asUser(aliceToken).rest.orgs.getMembershipForAuthenticatedUser({ org: 'nowhere' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('lists the orgs the user is an active member of, paginated', async () => {
    const alice = asUser(aliceToken);

    const firstPage = await alice.rest.orgs.listForAuthenticatedUser({ per_page: 1 });
    const all = await alice.paginate(alice.rest.orgs.listForAuthenticatedUser, { per_page: 1 });

    expect(firstPage.data.map((org) => org.login)).toEqual(['acme']);
    expect(firstPage.headers.link).toContain('rel="next"');
    expect(all.map((org) => org.login)).toEqual(['acme', 'globex']);
    expect(all[0]).toMatchObject({ members_url: `${fake.baseUrl}/orgs/acme/members{/member}` });
  });

  it('answers 401 Bad credentials to a made-up token and to a revoked one', async () => {
    const token = fake.addUserToken({ login: 'frank' });
    const client = asUser(token);
    await expect(client.rest.users.getAuthenticated()).resolves.toMatchObject({ status: 200 });

    fake.revokeUserToken(token);
    fake.revokeUserToken(token);

    const badCredentials = {
      status: 401,
      response: { data: { message: 'Bad credentials', documentation_url: expect.any(String) } },
    };
    await expect(client.rest.users.getAuthenticated()).rejects.toMatchObject({
      ...badCredentials,
      response: {
        ...badCredentials.response,
        headers: { 'x-fake-github-reason': expect.stringMatching(/revoked/) },
      },
    });
    await expect(client.rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' })).rejects.toMatchObject(
      badCredentials,
    );
    await expect(
      asUser(`gho_${'x'.repeat(36)}`).rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' }),
    ).rejects.toMatchObject(badCredentials);
    expect(() => fake.revokeUserToken('gho_never_issued')).toThrow(/addUserToken/);
  });

  it('refuses an installation token on the user endpoints, 403 as GitHub does', async () => {
    const installation = asInstallation();
    const refused = {
      status: 403,
      response: { data: { message: 'Resource not accessible by integration' } },
    };

    await expect(
      installation.rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' }),
    ).rejects.toMatchObject(refused);
    await expect(installation.rest.users.getAuthenticated()).rejects.toMatchObject(refused);
    await expect(installation.rest.orgs.listForAuthenticatedUser()).rejects.toMatchObject(refused);
  });

  it('refuses a user token on installation-only and app endpoints, each in GitHub’s words', async () => {
    const alice = asUser(aliceToken);

    await expect(
      alice.rest.repos.getContent({ owner: 'acme', repo: 'web', path: 'slipway.yaml' }),
    ).rejects.toMatchObject({ status: 404, response: { data: { message: 'Not Found' } } });
    await expect(alice.rest.apps.listReposAccessibleToInstallation()).rejects.toMatchObject({
      status: 403,
      response: {
        data: {
          message:
            'You must authenticate with an installation access token in order to list repositories for an installation.',
        },
      },
    });
    await expect(alice.rest.apps.revokeInstallationAccessToken()).rejects.toMatchObject({
      status: 403,
      response: {
        data: { message: 'You must authenticate with an installation access token in order to revoke it' },
      },
    });
    await expect(alice.rest.apps.getOrgInstallation({ org: 'acme' })).rejects.toMatchObject({
      status: 401,
      response: { data: { message: 'A JSON web token could not be decoded' } },
    });
    // The installation still works: the user token changed nothing.
    await expect(
      asInstallation().rest.repos.getContent({ owner: 'acme', repo: 'web', path: 'slipway.yaml' }),
    ).resolves.toMatchObject({ status: 200 });
  });

  it('needs an org-reading scope for org data, and says which scopes it has', async () => {
    const erin = asUser(fake.addUserToken({ login: 'erin', scopes: ['read:user'] }));

    const profile = await erin.rest.users.getAuthenticated();
    const membership = erin.rest.orgs.getMembershipForAuthenticatedUser({ org: 'acme' });
    const orgs = erin.rest.orgs.listForAuthenticatedUser();

    expect(profile.data.login).toBe('erin');
    await expect(membership).rejects.toMatchObject({
      status: 403,
      response: {
        data: { message: 'You do not have access to this organization membership.' },
        headers: {
          'x-oauth-scopes': 'read:user',
          'x-accepted-oauth-scopes': expect.stringContaining('read:org'),
        },
      },
    });
    await expect(orgs).rejects.toMatchObject({
      status: 403,
      response: {
        data: { message: 'You need at least read:org scope or user scope to list your organizations.' },
      },
    });
  });

  it('lets a member’s token read other memberships of the org, 403 for outsiders', async () => {
    const dave = asUser(fake.addUserToken({ login: 'dave' }));

    const bob = await asUser(aliceToken).rest.orgs.getMembershipForUser({ org: 'acme', username: 'bob' });

    expect(bob.data).toMatchObject({ role: 'member', state: 'active', organization: { login: 'acme' } });
    await expect(
      asUser(aliceToken).rest.orgs.getMembershipForUser({ org: 'acme', username: 'dave' }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      dave.rest.orgs.getMembershipForUser({ org: 'acme', username: 'alice' }),
    ).rejects.toMatchObject({
      status: 403,
      response: {
        data: { message: 'You must be a member of acme to see membership information for alice.' },
      },
    });
  });

  it('refuses to give an organization a user token, or one id to two accounts', () => {
    expect(() => fake.addUserToken({ login: 'acme' })).toThrow(/Organization/);
    expect(() => fake.addUserToken({ login: 'grace', id: 583_231 })).toThrow(/already belongs to alice/);
  });

  it('handled every call and raised no errors inside the fake', () => {
    expect(fake.requests.unhandled()).toEqual([]);
    expect(fake.serverErrors).toEqual([]);
  });
});
