import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAppAuth } from '@octokit/auth-app';
import { createAppJwt } from './app-jwt.js';
import { type FakeGitHub, startFakeGitHub } from './fake-github.js';
import { createGitRepo, type GitRepo } from './git-repo.js';
import { quietOctokit } from './quiet-octokit.js';

describe('app authentication', () => {
  let fake: FakeGitHub;
  let repo: GitRepo;
  let installationId: number;
  let clockMs = Date.now();

  beforeAll(async () => {
    fake = await startFakeGitHub({ now: () => clockMs });
    repo = await createGitRepo({ files: { 'README.md': '# web\n' } });
    installationId = fake.addRepo({ owner: 'acme', name: 'web', git: repo }).installationId!;
  });

  afterAll(async () => {
    await fake.close();
    await repo.remove();
  });

  it('lets @octokit/auth-app exchange its JWT for an installation token and use it', async () => {
    const octokit = quietOctokit({
      baseUrl: fake.baseUrl,
      authStrategy: createAppAuth,
      auth: { appId: fake.appId, privateKey: fake.privateKey, installationId },
    });

    const { data } = await octokit.rest.repos.get({ owner: 'acme', repo: 'web' });

    expect(data.full_name).toBe('acme/web');
    const [exchange] = fake.callsTo('POST', `/app/installations/${installationId}/access_tokens`);
    expect(exchange?.status).toBe(201);
    expect(exchange?.headers.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const [read] = fake.callsTo('GET', '/repos/acme/web');
    expect(read?.headers.authorization).toMatch(/^token ghs_[A-Za-z0-9]{36}$/);
    expect(read?.url.startsWith('/api/v3/')).toBe(true);
  });

  it('answers the app endpoints to a valid JWT', async () => {
    const octokit = quietOctokit({
      baseUrl: fake.baseUrl,
      auth: createAppJwt({ appId: fake.appId, privateKey: fake.privateKey }),
    });

    const app = await octokit.rest.apps.getAuthenticated();
    const installations = await octokit.rest.apps.listInstallations();
    const byRepo = await octokit.rest.apps.getRepoInstallation({ owner: 'acme', repo: 'web' });
    const token = await octokit.rest.apps.createInstallationAccessToken({ installation_id: installationId });

    expect(app.data?.slug).toBe('slipway');
    expect(installations.data.map((installation) => installation.id)).toEqual([installationId]);
    expect(byRepo.data.account).toMatchObject({ login: 'acme' });
    expect(token.status).toBe(201);
    expect(token.data.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    expect(Date.parse(token.data.expires_at) - clockMs).toBeGreaterThan(59 * 60 * 1000);
    expect(token.data.permissions).toMatchObject({ checks: 'write', contents: 'read' });
  });

  it('also answers without the /api/v3 prefix', async () => {
    const octokit = quietOctokit({
      baseUrl: fake.url,
      auth: createAppJwt({ appId: fake.appId, privateKey: fake.privateKey }),
    });

    const { data } = await octokit.rest.apps.getAuthenticated();

    expect(data?.id).toBe(fake.appId);
  });

  it.each([
    [
      'signed with another key',
      () => createAppJwt({ appId: fake.appId, privateKey: otherKey() }),
      'could not be decoded',
    ],
    [
      'issued for another app',
      () => createAppJwt({ appId: 4242, privateKey: fake.privateKey }),
      'could not be decoded',
    ],
    [
      'expired',
      () =>
        createAppJwt({
          appId: fake.appId,
          privateKey: fake.privateKey,
          nowSeconds: Math.floor(clockMs / 1000) - 3600,
        }),
      "'Expiration time' claim ('exp') must be a numeric value",
    ],
    [
      'valid for more than ten minutes',
      () => createAppJwt({ appId: fake.appId, privateKey: fake.privateKey, lifetimeSeconds: 3600 }),
      'too far in the future',
    ],
    ['not a JWT at all', () => 'bearer-without-dots', 'could not be decoded'],
  ])('rejects a JWT %s with 401 in GitHub’s words', async (_case, jwt, message) => {
    const octokit = quietOctokit({ baseUrl: fake.baseUrl, auth: jwt(), request: { retries: 0 } });

    const failure = octokit.rest.apps.createInstallationAccessToken({ installation_id: installationId });

    await expect(failure).rejects.toMatchObject({
      status: 401,
      response: {
        data: { message: expect.stringContaining(message), documentation_url: expect.any(String) },
      },
    });
  });

  it('rejects an installation token on app endpoints', async () => {
    const octokit = quietOctokit({
      baseUrl: fake.baseUrl,
      auth: fake.createInstallationToken(installationId),
    });

    await expect(octokit.rest.apps.getAuthenticated()).rejects.toMatchObject({ status: 401 });
  });

  it('answers 404 for an installation that does not exist', async () => {
    const octokit = quietOctokit({
      baseUrl: fake.baseUrl,
      auth: createAppJwt({ appId: fake.appId, privateKey: fake.privateKey }),
    });

    const failure = octokit.rest.apps.createInstallationAccessToken({ installation_id: 99 });

    await expect(failure).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found' } },
    });
  });

  it('refuses permissions or repositories the installation does not have (422)', async () => {
    const octokit = quietOctokit({
      baseUrl: fake.baseUrl,
      auth: createAppJwt({ appId: fake.appId, privateKey: fake.privateKey }),
    });

    const tooMuch = octokit.rest.apps.createInstallationAccessToken({
      installation_id: installationId,
      permissions: { administration: 'write' },
    });
    const elsewhere = octokit.rest.apps.createInstallationAccessToken({
      installation_id: installationId,
      repositories: ['not-installed'],
    });

    await expect(tooMuch).rejects.toMatchObject({ status: 422 });
    await expect(elsewhere).rejects.toMatchObject({ status: 422 });
  });

  it('narrows a token to the permissions it was asked for (403 beyond them)', async () => {
    const app = quietOctokit({
      baseUrl: fake.baseUrl,
      auth: createAppJwt({ appId: fake.appId, privateKey: fake.privateKey }),
    });
    const { data } = await app.rest.apps.createInstallationAccessToken({
      installation_id: installationId,
      permissions: { contents: 'read' },
    });
    const octokit = quietOctokit({ baseUrl: fake.baseUrl, auth: data.token });

    const readme = await octokit.rest.repos.getContent({ owner: 'acme', repo: 'web', path: 'README.md' });
    const check = octokit.rest.checks.create({
      owner: 'acme',
      repo: 'web',
      name: 'build',
      head_sha: repo.sha,
    });

    expect(readme.status).toBe(200);
    await expect(check).rejects.toMatchObject({
      status: 403,
      response: { data: { message: 'Resource not accessible by integration' } },
    });
  });

  it('answers 401 "Bad credentials" once a token expired or was revoked', async () => {
    const expiring = quietOctokit({
      baseUrl: fake.baseUrl,
      auth: fake.createInstallationToken(installationId),
    });
    const revoked = quietOctokit({
      baseUrl: fake.baseUrl,
      auth: fake.createInstallationToken(installationId),
    });
    await expiring.rest.repos.get({ owner: 'acme', repo: 'web' });

    await revoked.rest.apps.revokeInstallationAccessToken();
    clockMs += 61 * 60 * 1000;

    const bad = { status: 401, response: { data: { message: 'Bad credentials' } } };
    await expect(expiring.rest.repos.get({ owner: 'acme', repo: 'web' })).rejects.toMatchObject(bad);
    clockMs -= 61 * 60 * 1000;
    await expect(revoked.rest.repos.get({ owner: 'acme', repo: 'web' })).rejects.toMatchObject(bad);
  });

  it('raised no errors inside the fake', () => {
    expect(fake.serverErrors).toEqual([]);
  });
});

function otherKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}
