// Tenant secrets through the API: owners set and delete them, members list their names, nobody
// reads a value back, and they stay apart from a service's secrets of the same name.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tenantRef } from '@slipway/secrets';
import { type Harness, makeTenant, makeToken, makeUser, startHarness } from './support/api-harness.js';

let harness: Harness;
const tokens: Record<'viewer' | 'developer' | 'owner' | 'otherOwner', string> = {
  viewer: '',
  developer: '',
  owner: '',
  otherOwner: '',
};
const base = '/v1/tenants/ts-acme/secrets';

beforeAll(async () => {
  harness = await startHarness();
  const [viewer, developer, owner, otherOwner] = await Promise.all(
    ['vic', 'dev', 'olga', 'xavier'].map((login) => makeUser(harness, login)),
  );
  await makeTenant(harness, 'ts-acme', [
    { user: viewer!.id, role: 'viewer' },
    { user: developer!.id, role: 'developer' },
    { user: owner!.id, role: 'owner' },
  ]);
  await makeTenant(harness, 'ts-globex', [{ user: otherOwner!.id, role: 'owner' }]);
  tokens.viewer = (await makeToken(harness, viewer!.id, { tenant: 'ts-acme', role: 'viewer' })).token;
  tokens.developer = (
    await makeToken(harness, developer!.id, { tenant: 'ts-acme', role: 'developer' })
  ).token;
  tokens.owner = (await makeToken(harness, owner!.id, { tenant: 'ts-acme', role: 'owner' })).token;
  tokens.otherOwner = (
    await makeToken(harness, otherOwner!.id, { tenant: 'ts-globex', role: 'owner' })
  ).token;
});
afterAll(async () => {
  await harness.close();
});

async function call(who: keyof typeof tokens, method: string, path: string, body?: unknown) {
  const response = await harness.call(method, path, {
    token: tokens[who],
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('tenant secrets routes', () => {
  it('set → list shows the name → delete → 404 on a second delete', async () => {
    expect((await call('owner', 'PUT', `${base}/CIRCLECI_TOKEN`, { value: 'tok-1' })).status).toBe(204);
    expect((await call('owner', 'PUT', `${base}/CIRCLECI_TOKEN`, { value: 'tok-2' })).status).toBe(204);

    for (const who of ['viewer', 'owner'] as const) {
      const listed = await call(who, 'GET', base);
      expect(listed).toEqual({
        status: 200,
        body: { items: [{ name: 'CIRCLECI_TOKEN', updatedAt: expect.any(String) }] },
      });
    }
    const revealed = await harness.controller.services.secrets.reveal(tenantRef('ts-acme'));
    expect(revealed.CIRCLECI_TOKEN?.reveal()).toBe('tok-2');

    expect((await call('owner', 'DELETE', `${base}/CIRCLECI_TOKEN`)).status).toBe(204);
    expect(await call('owner', 'DELETE', `${base}/CIRCLECI_TOKEN`)).toMatchObject({
      status: 404,
      body: {
        error: { code: 'not_found', message: expect.stringContaining("tenant secret 'CIRCLECI_TOKEN'") },
      },
    });
    expect((await call('owner', 'GET', base)).body).toEqual({ items: [] });
  });

  it('audits sets and deletes as secret tenant/<NAME>, without the value', async () => {
    await call('owner', 'PUT', `${base}/AUDITED`, { value: 'audit-me-not' });
    await call('owner', 'DELETE', `${base}/AUDITED`);
    const { items } = await harness.controller.services.audit.query({
      tenant: 'ts-acme',
      action: 'tenant-secrets.',
    });
    const audited = items.filter((entry) => entry.target?.id === 'tenant/AUDITED');
    expect(audited.map((entry) => [entry.action, entry.target, entry.status]).sort()).toEqual([
      ['tenant-secrets.delete', { type: 'secret', id: 'tenant/AUDITED' }, 204],
      ['tenant-secrets.set', { type: 'secret', id: 'tenant/AUDITED' }, 204],
    ]);
    expect(JSON.stringify(items)).not.toContain('audit-me-not');
  });

  it.each([
    ['a name with a dash', 'CIRCLECI-TOKEN', { value: 'x' }, /params\.name: an env var name/],
    ['a name starting with a digit', '1TOKEN', { value: 'x' }, /params\.name: an env var name/],
    ['a reserved name', '__proto__', { value: 'x' }, /"__proto__" is reserved; choose another name/],
    ['a value over 64 KiB', 'BIG', { value: 'x'.repeat(65_537) }, /body\.value: at most 64 KiB/],
    ['a value with NUL', 'NUL', { value: 'a\0b' }, /NUL character/],
    ['no value', 'EMPTY', {}, /body\.value/],
  ])('refuses %s with 400 and a clear message', async (_what, name, body, message) => {
    const response = await call('owner', 'PUT', `${base}/${name}`, body);
    expect(response.status).toBe(400);
    expect((response.body as { error: { message: string } }).error.message).toMatch(message);
  });

  it('is for owners to change, members to list, and invisible to other tenants', async () => {
    await call('owner', 'PUT', `${base}/KEEP`, { value: 'keep' });
    expect((await call('developer', 'PUT', `${base}/DEV`, { value: 'x' })).status).toBe(403);
    expect((await call('developer', 'DELETE', `${base}/KEEP`)).status).toBe(403);
    expect((await call('viewer', 'PUT', `${base}/VIEW`, { value: 'x' })).status).toBe(403);
    expect((await call('developer', 'GET', base)).status).toBe(200);
    for (const [method, path] of [
      ['GET', base],
      ['PUT', `${base}/EVIL`],
      ['DELETE', `${base}/KEEP`],
    ] as const) {
      const response = await call('otherOwner', method, path, method === 'PUT' ? { value: 'x' } : undefined);
      expect(response.status).toBe(404);
    }
    expect((await call('owner', 'GET', base)).body).toMatchObject({ items: [{ name: 'KEEP' }] });
  });

  it('stays apart from service secrets of the same name', async () => {
    const service = '/v1/tenants/ts-acme/environments/production/services/web/secrets';
    await call('owner', 'PUT', `${base}/SHARED`, { value: 'tenant-value' });
    await call('developer', 'PUT', `${service}/SHARED`, { value: 'service-value' });
    await call('developer', 'PUT', `${service}/ONLY_SERVICE`, { value: 'x' });
    const tenantNames = ((await call('viewer', 'GET', base)).body as { items: { name: string }[] }).items;
    expect(tenantNames.map((item) => item.name)).not.toContain('ONLY_SERVICE');
    const serviceNames = ((await call('viewer', 'GET', service)).body as { items: { name: string }[] }).items;
    expect(serviceNames.map((item) => item.name).sort()).toEqual(['ONLY_SERVICE', 'SHARED']);

    expect((await call('owner', 'DELETE', `${base}/SHARED`)).status).toBe(204);
    expect((await call('owner', 'DELETE', `${base}/ONLY_SERVICE`)).status).toBe(404);
    const revealed = await harness.controller.services.secrets.reveal({
      tenant: 'ts-acme',
      environment: 'production',
      service: 'web',
    });
    expect(revealed.SHARED?.reveal()).toBe('service-value');
  });
});
