// Binding a GitHub App installation: GitHub itself, asked with the owner's own token, must say they
// administer the account; an installation deploys into one tenant only.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeGitHub, startFakeGitHub } from '@slipway/fakes';
import { type Harness, makeTenant, makeToken, makeUser, startHarness } from './support/api-harness.js';

let harness: Harness;
let github: FakeGitHub;
let nextId = 5_000_000 + Math.floor(Math.random() * 1_000_000);

beforeAll(async () => {
  github = await startFakeGitHub();
  harness = await startHarness({ SLIPWAY_GITHUB_API_URL: github.baseUrl });
});
afterAll(async () => {
  await harness.close();
  await github.close();
});

/** A tenant owned by a GitHub user, with their API token and GitHub token. */
async function ownerOfNewTenant() {
  const suffix = randomBytes(3).toString('hex');
  const githubId = ++nextId;
  const login = `owner-${suffix}`;
  const user = await makeUser(harness, login, { githubId });
  const tenant = `t-${suffix}`;
  await makeTenant(harness, tenant, [{ user: user.id, role: 'owner' }]);
  const token = (await makeToken(harness, user.id, { tenant, role: 'owner' })).token;
  return { tenant, login, githubId, token, githubToken: github.addUserToken({ login, id: githubId }) };
}

async function installation(account: { login: string; id: number; type: 'Organization' | 'User' }) {
  const installationId = ++nextId;
  await harness.controller.services.installations.record({ installationId, account, suspended: false });
  return installationId;
}

const bind = (o: { tenant: string; token: string }, body: Record<string, unknown>) =>
  harness.call('POST', `/v1/tenants/${o.tenant}/installations`, { token: o.token, body });

describe('binding a GitHub installation to a tenant', () => {
  it("binds an organisation's installation for one of its admins, and lists it", async () => {
    const owner = await ownerOfNewTenant();
    github.setOrgMembership({ org: `org-${owner.tenant}`, username: owner.login, role: 'admin' });
    const id = await installation({ login: `org-${owner.tenant}`, id: 1, type: 'Organization' });
    const response = await bind(owner, { installationId: id, githubToken: owner.githubToken });
    expect(response.status).toBe(201);
    const listed = await harness.call('GET', `/v1/tenants/${owner.tenant}/installations`, {
      token: owner.token,
    });
    expect(await listed.json()).toEqual({ items: [{ installationId: id, account: `org-${owner.tenant}` }] });
    expect(await harness.controller.services.installations.boundTenant(id)).toBe(owner.tenant);
    // GitHub was asked with the user's token, not the app's.
    expect(github.callsTo('GET', `/user/memberships/orgs/org-${owner.tenant}`).length).toBeGreaterThan(0);
  });

  it('refuses a mere member of the organisation, and someone else’s GitHub token', async () => {
    const owner = await ownerOfNewTenant();
    github.setOrgMembership({ org: `org-${owner.tenant}`, username: owner.login, role: 'member' });
    const id = await installation({ login: `org-${owner.tenant}`, id: 2, type: 'Organization' });
    const member = await bind(owner, { installationId: id, githubToken: owner.githubToken });
    expect(member.status).toBe(403);
    expect(await member.text()).toContain('not an admin');
    const stranger = github.addUserToken({ login: `stranger-${owner.tenant}`, id: ++nextId });
    const wrongUser = await bind(owner, { installationId: id, githubToken: stranger });
    expect(wrongUser.status).toBe(403);
    expect(await harness.controller.services.installations.boundTenant(id)).toBeUndefined();
  });

  it("binds a personal account's installation only for that account's user", async () => {
    const owner = await ownerOfNewTenant();
    const mine = await installation({ login: owner.login, id: owner.githubId, type: 'User' });
    const theirs = await installation({ login: 'someone-else', id: ++nextId, type: 'User' });
    expect((await bind(owner, { installationId: mine, githubToken: owner.githubToken })).status).toBe(201);
    expect((await bind(owner, { installationId: theirs, githubToken: owner.githubToken })).status).toBe(403);
  });

  it('answers 404 for an unknown installation, 400 without a GitHub token, 409 when bound elsewhere', async () => {
    const first = await ownerOfNewTenant();
    const second = await ownerOfNewTenant();
    github.setOrgMembership({ org: `shared-${first.tenant}`, username: first.login, role: 'admin' });
    github.setOrgMembership({ org: `shared-${first.tenant}`, username: second.login, role: 'admin' });
    const id = await installation({ login: `shared-${first.tenant}`, id: 3, type: 'Organization' });

    expect((await bind(first, { installationId: ++nextId, githubToken: first.githubToken })).status).toBe(
      404,
    );
    const missing = await bind(first, { installationId: id });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { fields: [{ path: 'body.githubToken' }] } });

    expect((await bind(first, { installationId: id, githubToken: first.githubToken })).status).toBe(201);
    const elsewhere = await bind(second, { installationId: id, githubToken: second.githubToken });
    expect(elsewhere.status).toBe(409);
    expect(await elsewhere.text()).not.toContain(first.tenant); // another tenant is never named
  });

  it('never writes the GitHub token to logs, audit or storage', async () => {
    const owner = await ownerOfNewTenant();
    github.setOrgMembership({ org: `org-${owner.tenant}`, username: owner.login, role: 'admin' });
    const id = await installation({ login: `org-${owner.tenant}`, id: 4, type: 'Organization' });
    await bind(owner, { installationId: id, githubToken: owner.githubToken });
    const { items } = await harness.controller.services.audit.query({ tenant: owner.tenant });
    expect(JSON.stringify(items)).not.toContain(owner.githubToken);
    expect(harness.logs.join('\n')).not.toContain(owner.githubToken);
  });
});
