// Every route of the controller's route table × every kind of caller → the expected status, and an
// audit entry with the right actor for every mutating call that a signed-in caller made.
// A route missing from `requests` or `expected` fails this test: new routes must declare both.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { type FakeGitHub, startFakeGitHub } from '@slipway/fakes';
import { tenantRef } from '@slipway/secrets';
import { Redis } from 'ioredis';
import { routeTable } from '../src/routes/index.js';
import { type Harness, makeTenant, makeToken, makeUser, startHarness } from './support/api-harness.js';
import { sampleBuild, sampleRelease, sampleService } from './support/records.js';

const principals = [
  'anonymous',
  'viewer',
  'developer',
  'owner',
  'otherOwner',
  'admin',
  'host',
  'revoked',
  'expired',
] as const;
type PrincipalName = (typeof principals)[number];

/** One row per route: the status each caller gets, in the order of `principals`. */
const expected: Record<string, [number, number, number, number, number, number, number, number, number]> = {
  //                     anon  view  dev   own   other admin host  revok expir
  'system.health': /*   */ [200, 200, 200, 200, 200, 200, 200, 200, 200],
  'system.metrics': /*  */ [200, 200, 200, 200, 200, 200, 200, 200, 200],
  'system.openapi': /*  */ [200, 200, 200, 200, 200, 200, 200, 200, 200],
  'system.leader': /*   */ [200, 200, 200, 200, 200, 200, 200, 200, 200],
  'auth.session': /*    */ [401, 401, 401, 401, 401, 401, 401, 401, 401],
  'me.get': /*          */ [401, 200, 200, 200, 200, 200, 403, 401, 401],
  'tenants.create': /*  */ [401, 403, 403, 403, 403, 201, 403, 401, 401],
  'tenants.list': /*    */ [401, 200, 200, 200, 200, 200, 403, 401, 401],
  'tenants.get': /*     */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'tenants.delete': /*  */ [401, 403, 403, 403, 404, 204, 403, 401, 401],
  'members.list': /*    */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'members.put': /*     */ [401, 403, 403, 200, 404, 200, 403, 401, 401],
  'members.delete': /*  */ [401, 403, 403, 204, 404, 204, 403, 401, 401],
  'tokens.create': /*   */ [401, 201, 201, 201, 404, 403, 403, 401, 401],
  'tokens.list': /*     */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'tokens.revoke': /*   */ [401, 404, 204, 204, 404, 204, 403, 401, 401],
  'tokens.create-admin': [401, 403, 403, 403, 403, 201, 403, 401, 401],
  'join-tokens.create': [401, 403, 403, 201, 404, 201, 403, 401, 401],
  'join-tokens.list': /* */ [401, 403, 403, 200, 404, 200, 403, 401, 401],
  'join-tokens.revoke': [401, 403, 403, 204, 404, 204, 403, 401, 401],
  'hosts.join': /*      */ [201, 201, 201, 201, 201, 201, 201, 201, 201],
  'hosts.heartbeat': /* */ [401, 403, 403, 403, 404, 403, 204, 401, 401],
  'hosts.desired': /*   */ [401, 403, 403, 403, 404, 403, 200, 401, 401],
  'hosts.policy': /*    */ [401, 403, 403, 403, 404, 403, 200, 401, 401],
  'hosts.registry-credentials': [401, 403, 403, 403, 404, 403, 200, 401, 401],
  'hosts.secrets': /*   */ [401, 403, 403, 403, 404, 403, 200, 401, 401],
  'hosts.list': /*      */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'hosts.get': /*       */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'hosts.delete': /*    */ [401, 403, 403, 204, 404, 204, 403, 401, 401],
  'installations.list': [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'installations.bind': [401, 403, 403, 201, 404, 201, 403, 401, 401],
  'installations.unbind': [401, 403, 403, 204, 404, 204, 403, 401, 401],
  'policy.get': /*      */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'policy.update': /*   */ [401, 403, 403, 403, 404, 200, 403, 401, 401],
  'secrets.list': /*    */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'secrets.set': /*     */ [401, 403, 204, 204, 404, 204, 403, 401, 401],
  'secrets.delete': /*  */ [401, 403, 204, 204, 404, 204, 403, 401, 401],
  'tenant-secrets.list': [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'tenant-secrets.set': [401, 403, 403, 204, 404, 204, 403, 401, 401],
  'tenant-secrets.delete': [401, 403, 403, 204, 404, 204, 403, 401, 401],
  'builds.list': /*     */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'builds.get': /*      */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'builds.logs': /*     */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'releases.list': /*   */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'releases.get': /*    */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'services.create': /* */ [401, 403, 201, 201, 404, 201, 403, 401, 401],
  'services.list': /*   */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'services.get': /*    */ [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'services.scale': /*  */ [401, 403, 200, 200, 404, 200, 403, 401, 401],
  'services.delete': /* */ [401, 403, 403, 204, 404, 204, 403, 401, 401],
  'services.deploy': /* */ [401, 403, 202, 202, 404, 202, 403, 401, 401],
  'services.rollback': [401, 403, 202, 202, 404, 202, 403, 401, 401],
  'services.rollouts': [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'allocations.list': [401, 200, 200, 200, 404, 200, 403, 401, 401],
  'audit.tenant': /*    */ [401, 403, 403, 200, 404, 200, 403, 401, 401],
  'audit.all': /*       */ [401, 403, 403, 403, 403, 200, 403, 401, 401],
};

let harness: Harness;
let github: FakeGitHub;

/** A fresh tenant with one member per role, a neighbour tenant, and every kind of caller's token. */
async function fixture(options: { withHost: boolean }) {
  const suffix = randomBytes(3).toString('hex');
  const githubId = 100_000 + Math.floor(Math.random() * 1_000_000_000);
  const ownerLogin = `olga-${suffix}`;
  const org = `org-${suffix}`;
  const [viewer, developer, owner, otherOwner, admin] = await Promise.all([
    makeUser(harness, 'vic'),
    makeUser(harness, 'dev'),
    makeUser(harness, ownerLogin, { githubId }),
    makeUser(harness, 'xavier'),
    makeUser(harness, 'root', { admin: true }),
  ]);
  const tenant = `acme-${suffix}`;
  const other = `globex-${suffix}`;
  await makeTenant(harness, tenant, [
    { user: viewer.id, role: 'viewer' },
    { user: developer.id, role: 'developer' },
    { user: owner.id, role: 'owner' },
  ]);
  await makeTenant(harness, other, [{ user: otherOwner.id, role: 'owner' }]);
  const { tokens, secrets } = harness.controller.services;
  const now = harness.clock.now;
  const revoked = await makeToken(harness, developer.id, { tenant, role: 'developer' });
  await tokens.revoke(revoked.id, { now, by: 'test' });
  const expired = await tokens.createApiToken({
    user: developer.id,
    name: 'old',
    tenant,
    role: 'developer',
    now: now - 2 * 86_400_000,
    expiresAt: now - 86_400_000,
  });
  const host = await tokens.createHostToken({ tenant, host: `h-${suffix}`, now });
  const devSpare = await makeToken(harness, developer.id, { tenant, role: 'developer' });
  const join = await tokens.createJoinToken({ tenant, createdBy: owner.id, now });
  await secrets.set(
    { tenant, environment: 'production', service: 'web' },
    'DATABASE_URL',
    'postgres://u:p@db/app',
  );
  await secrets.set(tenantRef(tenant), 'CIRCLECI_TOKEN', 'circle-token');
  // GitHub knows the owner as an admin of the org whose installations the tests bind.
  const ownerGithubToken = github.addUserToken({ login: ownerLogin, id: githubId });
  github.setOrgMembership({ org, username: ownerLogin, role: 'admin' });
  const { installations, repos } = harness.controller.services;
  const installToBind = githubId + 1;
  const installBound = githubId + 2;
  for (const id of [installToBind, installBound]) {
    await installations.record({
      installationId: id,
      account: { login: org, id: 7, type: 'Organization' },
      suspended: false,
    });
  }
  await installations.bind(installBound, tenant);
  const stored = (await repos.tenants.get(`tenants/${tenant}/tenant.json`))!;
  await repos.tenants.replace(
    { ...stored.value, githubInstallations: [{ installationId: installBound, account: org }] },
    { ifMatch: stored.etag },
  );
  const build = (await repos.builds.create(sampleBuild({ tenant, id: `b-${suffix}` }))).value;
  await repos.buildLogs.create({
    tenant,
    id: build.id,
    status: 'succeeded',
    lines: ['Step 1/1 : FROM slipway/busybox:local'],
    truncated: false,
    finishedAt: '2025-11-26T07:01:00.000Z',
  });
  const release = (await repos.releases.create(sampleRelease({ tenant, id: `r-${suffix}` }))).value;
  // A service for the services routes; tenants.delete needs a tenant without services.
  if (options.withHost) await repos.services.create(sampleService({ tenant }));
  // A host record for the host routes; tenants.delete needs a tenant without hosts.
  if (options.withHost)
    await repos.hosts.create({
      id: `h-${suffix}`,
      tenant,
      capacity: { cpuMillicores: 2000, memoryMiB: 4096 },
      labels: { zone: 'z1', pool: 'default' },
      status: 'ready',
    });
  // The host's desired state holds one allocation that names the secret (hosts.secrets).
  await harness.controller.services.hosts.desired.create({
    tenant,
    host: `h-${suffix}`,
    allocations: [
      {
        allocation: `a-${suffix}`,
        tenant,
        service: 'web',
        environment: 'production',
        release: release.id,
        slot: 0,
        secrets: ['DATABASE_URL'],
      },
    ],
  });
  const bearer: Record<PrincipalName, string | undefined> = {
    anonymous: undefined,
    viewer: (await makeToken(harness, viewer.id, { tenant, role: 'viewer' })).token,
    developer: (await makeToken(harness, developer.id, { tenant, role: 'developer' })).token,
    owner: (await makeToken(harness, owner.id, { tenant, role: 'owner' })).token,
    otherOwner: (await makeToken(harness, otherOwner.id, { tenant: other, role: 'owner' })).token,
    admin: (await makeToken(harness, admin.id, { admin: true })).token,
    host: host.token,
    revoked: revoked.token,
    expired: expired.token,
  };
  const actorId: Record<PrincipalName, string> = {
    anonymous: 'anonymous',
    viewer: viewer.id,
    developer: developer.id,
    owner: owner.id,
    otherOwner: otherOwner.id,
    admin: admin.id,
    host: `h-${suffix}`,
    revoked: developer.id,
    expired: developer.id,
  };
  return {
    tenant,
    suffix,
    bearer,
    actorId,
    users: { viewer, otherOwner },
    devSpare,
    join: join.record,
    joinToken: join.token,
    host: `h-${suffix}`,
    installToBind,
    installBound,
    ownerGithubToken,
    build: build.id,
    release: release.id,
  };
}
type Fixture = Awaited<ReturnType<typeof fixture>>;

const secretPath = (f: Fixture) => `/v1/tenants/${f.tenant}/environments/production/services/web/secrets`;

/** A valid request for each route, in the fixture's tenant. */
const requests: Record<string, (f: Fixture) => { method: string; path: string; body?: unknown }> = {
  'system.health': () => ({ method: 'GET', path: '/healthz' }),
  'system.metrics': () => ({ method: 'GET', path: '/metrics' }),
  'system.openapi': () => ({ method: 'GET', path: '/v1/openapi.json' }),
  'system.leader': () => ({ method: 'GET', path: '/v1/leader' }),
  'auth.session': () => ({
    method: 'POST',
    path: '/v1/auth/sessions',
    body: { provider: 'github', subject: '1', name: 'someone' },
  }),
  'me.get': () => ({ method: 'GET', path: '/v1/me' }),
  'tenants.create': (f) => ({
    method: 'POST',
    path: '/v1/tenants',
    body: { id: `new-${f.suffix}`, name: 'New' },
  }),
  'tenants.list': () => ({ method: 'GET', path: '/v1/tenants' }),
  'tenants.get': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}` }),
  'tenants.delete': (f) => ({ method: 'DELETE', path: `/v1/tenants/${f.tenant}` }),
  'members.list': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/members` }),
  'members.put': (f) => ({
    method: 'PUT',
    path: `/v1/tenants/${f.tenant}/members/${f.users.otherOwner.id}`,
    body: { role: 'developer' },
  }),
  'members.delete': (f) => ({
    method: 'DELETE',
    path: `/v1/tenants/${f.tenant}/members/${f.users.viewer.id}`,
  }),
  'tokens.create': (f) => ({ method: 'POST', path: `/v1/tenants/${f.tenant}/tokens`, body: { name: 'ci' } }),
  'tokens.list': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/tokens` }),
  'tokens.revoke': (f) => ({ method: 'DELETE', path: `/v1/tenants/${f.tenant}/tokens/${f.devSpare.id}` }),
  'tokens.create-admin': () => ({ method: 'POST', path: '/v1/admin/tokens', body: { name: 'ops' } }),
  'join-tokens.create': (f) => ({ method: 'POST', path: `/v1/tenants/${f.tenant}/join-tokens`, body: {} }),
  'join-tokens.list': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/join-tokens` }),
  'join-tokens.revoke': (f) => ({
    method: 'DELETE',
    path: `/v1/tenants/${f.tenant}/join-tokens/${f.join.id}`,
  }),
  'hosts.join': (f) => ({
    method: 'POST',
    path: `/v1/tenants/${f.tenant}/hosts/join`,
    body: {
      joinToken: f.joinToken,
      capacity: { cpuMillicores: 1000, memoryMiB: 1024 },
      labels: { zone: 'z1', pool: 'default' },
    },
  }),
  'hosts.heartbeat': (f) => ({
    method: 'POST',
    path: `/v1/tenants/${f.tenant}/hosts/${f.host}/heartbeat`,
    body: { allocations: [] },
  }),
  'hosts.desired': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/hosts/${f.host}/desired` }),
  'hosts.policy': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/hosts/${f.host}/policy` }),
  'hosts.registry-credentials': (f) => ({
    method: 'POST',
    path: `/v1/tenants/${f.tenant}/hosts/${f.host}/registry-credentials`,
    body: { image: `127.0.0.1:5000/${f.tenant}/web:1` },
  }),
  'hosts.secrets': (f) => ({
    method: 'POST',
    path: `/v1/tenants/${f.tenant}/hosts/${f.host}/secrets`,
    body: { allocation: `a-${f.suffix}` },
  }),
  'hosts.list': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/hosts` }),
  'hosts.get': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/hosts/${f.host}` }),
  'hosts.delete': (f) => ({ method: 'DELETE', path: `/v1/tenants/${f.tenant}/hosts/${f.host}` }),
  'installations.list': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/installations` }),
  'installations.bind': (f) => ({
    method: 'POST',
    path: `/v1/tenants/${f.tenant}/installations`,
    body: { installationId: f.installToBind, githubToken: f.ownerGithubToken },
  }),
  'installations.unbind': (f) => ({
    method: 'DELETE',
    path: `/v1/tenants/${f.tenant}/installations/${f.installBound}`,
  }),
  'policy.get': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/policy` }),
  'policy.update': (f) => ({
    method: 'PATCH',
    path: `/v1/tenants/${f.tenant}/policy`,
    body: { limits: { replicasPerService: 20 } },
  }),
  'secrets.list': (f) => ({ method: 'GET', path: secretPath(f) }),
  'secrets.set': (f) => ({ method: 'PUT', path: `${secretPath(f)}/API_KEY`, body: { value: 'k-123' } }),
  'secrets.delete': (f) => ({ method: 'DELETE', path: `${secretPath(f)}/DATABASE_URL` }),
  'tenant-secrets.list': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/secrets` }),
  'tenant-secrets.set': (f) => ({
    method: 'PUT',
    path: `/v1/tenants/${f.tenant}/secrets/CIRCLECI_WEBHOOK_SECRET`,
    body: { value: 'whsec-123' },
  }),
  'tenant-secrets.delete': (f) => ({
    method: 'DELETE',
    path: `/v1/tenants/${f.tenant}/secrets/CIRCLECI_TOKEN`,
  }),
  'builds.list': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/builds` }),
  'builds.get': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/builds/${f.build}` }),
  'builds.logs': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/builds/${f.build}/logs` }),
  'releases.list': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/releases` }),
  'releases.get': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/releases/${f.release}` }),
  'services.create': (f) => ({
    method: 'POST',
    path: `/v1/tenants/${f.tenant}/services`,
    body: { name: 'api', image: `127.0.0.1:5000/${f.tenant}/api:1`, port: 8080 },
  }),
  'services.list': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/services` }),
  'services.get': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/services/production/web` }),
  'services.scale': (f) => ({
    method: 'POST',
    path: `/v1/tenants/${f.tenant}/services/production/web/scale`,
    body: { replicas: 2 },
  }),
  'services.delete': (f) => ({ method: 'DELETE', path: `/v1/tenants/${f.tenant}/services/production/web` }),
  'services.deploy': (f) => ({
    method: 'POST',
    path: `/v1/tenants/${f.tenant}/services/production/web/deploy`,
    body: { image: `127.0.0.1:5000/${f.tenant}/web:v2` },
  }),
  'services.rollback': (f) => ({
    method: 'POST',
    path: `/v1/tenants/${f.tenant}/services/production/web/rollback`,
    body: { release: f.release },
  }),
  'services.rollouts': (f) => ({
    method: 'GET',
    path: `/v1/tenants/${f.tenant}/services/production/web/rollouts`,
  }),
  'allocations.list': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/allocations` }),
  'audit.tenant': (f) => ({ method: 'GET', path: `/v1/tenants/${f.tenant}/audit` }),
  'audit.all': () => ({ method: 'GET', path: '/v1/audit' }),
};

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisPrefix = uniquePrefix('ctl-matrix');

beforeAll(async () => {
  github = await startFakeGitHub();
  harness = await startHarness({
    REDIS_URL: redisUrl,
    SLIPWAY_REDIS_PREFIX: redisPrefix,
    SLIPWAY_RATE_LIMIT_PER_MINUTE: '100000',
    SLIPWAY_GITHUB_API_URL: github.baseUrl,
    SLIPWAY_DASHBOARD_SECRET: randomBytes(32).toString('hex'),
  });
});
afterAll(async () => {
  await harness.close();
  await github.close();
  const redis = new Redis(redisUrl);
  await cleanupRedis(redis, redisPrefix);
  redis.disconnect();
});

afterAll(() => {
  // An audit write that failed is only logged by the API; here it must never happen.
  expect(harness.logs.filter((line) => line.includes('could not append the audit entry'))).toEqual([]);
});

describe('the authorization matrix', () => {
  it('has a row and a sample request for every route, and nothing else', () => {
    const ids = routeTable.map((r) => r.id).sort();
    expect(Object.keys(expected).sort()).toEqual(ids);
    expect(Object.keys(requests).sort()).toEqual(ids);
  });

  let shared: ReturnType<typeof fixture> | undefined;
  const readFixture = () => {
    shared ??= fixture({ withHost: true });
    return shared;
  };
  const cases = routeTable.flatMap((route) =>
    principals.map((principal, column) => ({ route, principal, status: expected[route.id]?.[column] })),
  );
  it.each(cases.map((c) => [c.route.id, c.principal, c.status, c] as const))(
    '%s as %s → %s',
    async (_id, principal, status, { route }) => {
      if (status === undefined) throw new Error(`no expected status for ${route.id}`);
      // Reads change nothing, so they share one fixture; every write gets a fresh one.
      const f =
        route.method === 'GET'
          ? await readFixture()
          : await fixture({ withHost: route.id !== 'tenants.delete' });
      const request = requests[route.id]!(f);
      const response = await harness.call(request.method, request.path, {
        ...(f.bearer[principal] ? { token: f.bearer[principal] } : {}),
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      const text = await response.text();
      expect({ status: response.status, body: text.slice(0, 300) }).toMatchObject({ status });
      if (status >= 400)
        expect(JSON.parse(text)).toMatchObject({
          error: { code: expect.any(String), message: expect.any(String) },
        });

      // Routes audited only when they refuse (heartbeats) leave no entry for a success.
      const audited = route.audit !== 'refusals' || status >= 400;
      if (
        route.method !== 'GET' &&
        audited &&
        principal !== 'anonymous' &&
        principal !== 'revoked' &&
        principal !== 'expired'
      ) {
        const { items } = await harness.controller.services.audit.query({
          actor: f.actorId[principal],
          action: route.id,
        });
        expect(items.map((e) => ({ action: e.action, actor: e.actor.id, status: e.status }))).toContainEqual({
          action: route.id,
          actor: f.actorId[principal],
          status,
        });
      }
    },
  );
});
