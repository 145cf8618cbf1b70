// Build and Release records through the API: newest first, filters, pages, and 404 across tenants.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Build, Release } from '@slipway/core';
import { type Harness, makeTenant, makeToken, makeUser, startHarness } from './support/api-harness.js';
import { sampleBuild, sampleRelease } from './support/records.js';

const tenant = `hist-${randomBytes(3).toString('hex')}`;
const other = `${tenant}-other`;
let harness: Harness;
let token: string;
let otherToken: string;

const minutes = (n: number) => new Date(Date.UTC(2025, 10, 26, 7, n)).toISOString();
const list = async <T>(path: string, as = token) => {
  const response = await harness.call('GET', path, { token: as });
  expect(response.status).toBe(200);
  return (await response.json()) as { items: T[]; nextCursor?: string };
};
const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);

const builds: Build[] = [
  sampleBuild({ tenant, id: 'b-web-1', createdAt: minutes(1), status: 'succeeded' }),
  sampleBuild({ tenant, id: 'b-web-2', createdAt: minutes(3), status: 'failed', error: 'RUN false failed' }),
  sampleBuild({ tenant, id: 'b-api-1', service: 'api', createdAt: minutes(2), status: 'running' }),
  // The same instant written with and without milliseconds: ordered as one moment, then by id.
  sampleBuild({ tenant, id: 'b-web-3', createdAt: '2025-11-26T07:04:00Z', status: 'queued' }),
  sampleBuild({ tenant, id: 'b-web-4', createdAt: '2025-11-26T07:04:00.000Z', environment: 'staging' }),
];
const releases: Release[] = [
  sampleRelease({ tenant, id: 'r-web-1', createdAt: minutes(1), buildId: 'b-web-1' }),
  sampleRelease({ tenant, id: 'r-web-2', createdAt: minutes(5) }),
  sampleRelease({ tenant, id: 'r-api-1', service: 'api', createdAt: minutes(2) }),
  sampleRelease({ tenant, id: 'r-web-s', environment: 'staging', createdAt: minutes(3) }),
];

beforeAll(async () => {
  harness = await startHarness({ SLIPWAY_RATE_LIMIT_PER_MINUTE: '100000' });
  const viewer = await makeUser(harness, 'val');
  const stranger = await makeUser(harness, 'sven');
  await makeTenant(harness, tenant, [{ user: viewer.id, role: 'viewer' }]);
  await makeTenant(harness, other, [{ user: stranger.id, role: 'owner' }]);
  token = (await makeToken(harness, viewer.id, { tenant, role: 'viewer' })).token;
  otherToken = (await makeToken(harness, stranger.id, { tenant: other, role: 'owner' })).token;
  const { repos } = harness.controller.services;
  for (const build of builds) await repos.builds.create(build);
  for (const release of releases) await repos.releases.create(release);
  // The other tenant has a build and a release of its own, with ids of their own.
  await repos.builds.create(sampleBuild({ tenant: other, id: 'b-theirs', createdAt: minutes(9) }));
  await repos.releases.create(sampleRelease({ tenant: other, id: 'r-theirs', createdAt: minutes(9) }));
});
afterAll(async () => {
  await harness.close();
});

describe('GET /v1/tenants/:tenant/builds', () => {
  it('lists the tenant’s builds newest first, and only theirs', async () => {
    const page = await list<Build>(`/v1/tenants/${tenant}/builds`);
    expect(ids(page)).toEqual(['b-web-3', 'b-web-4', 'b-web-2', 'b-api-1', 'b-web-1']);
    expect(page.nextCursor).toBeUndefined();
    expect(page.items[2]).toEqual(builds[1]);
  });

  it('filters by service, environment and status', async () => {
    expect(ids(await list<Build>(`/v1/tenants/${tenant}/builds?service=api`))).toEqual(['b-api-1']);
    expect(ids(await list<Build>(`/v1/tenants/${tenant}/builds?environment=staging`))).toEqual(['b-web-4']);
    expect(ids(await list<Build>(`/v1/tenants/${tenant}/builds?service=web&status=succeeded`))).toEqual([
      'b-web-4',
      'b-web-1',
    ]);
    const bad = await harness.call('GET', `/v1/tenants/${tenant}/builds?status=exploded`, { token });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { fields: [{ path: 'query.status' }] } });
  });

  it('pages with cursors that stay put while newer builds arrive', async () => {
    const first = await list<Build>(`/v1/tenants/${tenant}/builds?limit=2`);
    expect(ids(first)).toEqual(['b-web-3', 'b-web-4']);
    await harness.controller.services.repos.builds.create(
      sampleBuild({ tenant, id: 'b-web-5', createdAt: minutes(8) }),
    );
    const second = await list<Build>(`/v1/tenants/${tenant}/builds?limit=2&cursor=${first.nextCursor}`);
    expect(ids(second)).toEqual(['b-web-2', 'b-api-1']);
    const third = await list<Build>(`/v1/tenants/${tenant}/builds?limit=2&cursor=${second.nextCursor}`);
    expect(ids(third)).toEqual(['b-web-1']);
    expect(third.nextCursor).toBeUndefined();
    const bad = await harness.call('GET', `/v1/tenants/${tenant}/builds?cursor=nonsense`, { token });
    expect(bad.status).toBe(400);
  });
});

describe('GET /v1/tenants/:tenant/builds/:id', () => {
  it('answers one build', async () => {
    const response = await harness.call('GET', `/v1/tenants/${tenant}/builds/b-web-2`, { token });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(builds[1]);
  });

  it("answers 404 for an unknown id and for another tenant's build, whoever asks", async () => {
    for (const [path, as] of [
      [`/v1/tenants/${tenant}/builds/b-nope`, token],
      [`/v1/tenants/${tenant}/builds/b-theirs`, token],
      [`/v1/tenants/${other}/builds/b-theirs`, token],
      [`/v1/tenants/${tenant}/builds/b-web-1`, otherToken],
      [`/v1/tenants/${tenant}/builds/b-web-1/logs`, otherToken],
    ] as const) {
      const response = await harness.call('GET', path, { token: as });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });
});

describe('GET /v1/tenants/:tenant/releases', () => {
  it('lists releases newest first, filtered by environment and service', async () => {
    const all = await list<Release>(`/v1/tenants/${tenant}/releases`);
    expect(ids(all)).toEqual(['r-web-2', 'r-web-s', 'r-api-1', 'r-web-1']);
    expect(all.items[3]).toEqual(releases[0]);
    expect(ids(await list<Release>(`/v1/tenants/${tenant}/releases?environment=staging`))).toEqual([
      'r-web-s',
    ]);
    expect(ids(await list<Release>(`/v1/tenants/${tenant}/releases?service=web`))).toEqual([
      'r-web-2',
      'r-web-s',
      'r-web-1',
    ]);
    expect(
      ids(await list<Release>(`/v1/tenants/${tenant}/releases?environment=production&service=web`)),
    ).toEqual(['r-web-2', 'r-web-1']);
    const paged = await list<Release>(`/v1/tenants/${tenant}/releases?limit=3`);
    expect(ids(paged)).toEqual(['r-web-2', 'r-web-s', 'r-api-1']);
    const rest = await list<Release>(`/v1/tenants/${tenant}/releases?limit=3&cursor=${paged.nextCursor}`);
    expect(ids(rest)).toEqual(['r-web-1']);
  });

  it("answers one release by id, and 404 for another tenant's", async () => {
    const response = await harness.call('GET', `/v1/tenants/${tenant}/releases/r-api-1`, { token });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(releases[2]);
    const theirs = await harness.call('GET', `/v1/tenants/${tenant}/releases/r-theirs`, { token });
    expect(theirs.status).toBe(404);
    expect(await theirs.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
