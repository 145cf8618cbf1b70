// A secret written through the API is never returned, and — with debug logging on — appears in no
// log line, error message or API response captured during the run, nor in the stored document.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tenantRef } from '@slipway/secrets';
import { type Harness, makeTenant, makeToken, makeUser, startHarness } from './support/api-harness.js';

const value = `s3cr3t-${Math.random().toString(36).slice(2)}-do-not-leak`;
const tenantValue = `t3n4nt-${Math.random().toString(36).slice(2)}-do-not-leak`;
let harness: Harness;
const responses: string[] = [];

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('secret env vars', () => {
  it('are write-only through the API and never appear in logs, errors, responses or storage', async () => {
    const dev = await makeUser(harness, 'dev');
    await makeTenant(harness, 'sec-acme', [{ user: dev.id, role: 'owner' }]);
    const token = (await makeToken(harness, dev.id, { tenant: 'sec-acme', role: 'owner' })).token;
    const base = '/v1/tenants/sec-acme/environments/production/services/web/secrets';
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await harness.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
      responses.push(`${response.status} ${[...response.headers].join(' ')} ${await response.text()}`);
      return response.status;
    };

    expect(await call('PUT', `${base}/DATABASE_URL`, { value })).toBe(204);
    expect(await call('GET', base)).toBe(200);
    expect(responses.at(-1)).toContain('DATABASE_URL');
    // Bad requests that carry the value: a bad name, a wrong type beside it, a body that is not JSON.
    expect(await call('PUT', `${base}/1BAD`, { value })).toBe(400);
    expect(await call('PUT', `${base}/OK`, { value, extra: value })).toBe(204);
    expect(await call('PUT', `${base}/NUM`, { value: { nested: value } })).toBe(400);
    expect(
      await call('PUT', `/v1/tenants/nope/environments/production/services/web/secrets/X`, { value }),
    ).toBe(404);
    expect(await call('GET', '/v1/tenants/sec-acme/audit')).toBe(200);
    expect(await call('GET', '/v1/openapi.json')).toBe(200);
    const raw = await harness.call('PUT', `${base}/RAW`, { token });
    responses.push(await raw.text());

    const revealed = await harness.controller.services.secrets.reveal({
      tenant: 'sec-acme',
      environment: 'production',
      service: 'web',
    });
    expect(revealed.DATABASE_URL?.reveal()).toBe(value); // it is stored, encrypted, and injectable

    expect(harness.logs.length).toBeGreaterThan(0);
    for (const captured of [...responses, ...harness.logs]) expect(captured).not.toContain(value);
  });

  it('reach the agent that runs the allocation, and still no log line', async () => {
    const { tokens, hosts } = harness.controller.services;
    const { token } = await tokens.createHostToken({ tenant: 'sec-acme', host: 'h-sec' });
    await hosts.desired.create({
      tenant: 'sec-acme',
      host: 'h-sec',
      allocations: [
        {
          allocation: 'a-sec',
          tenant: 'sec-acme',
          service: 'web',
          environment: 'production',
          release: 'r-1',
          slot: 0,
          secrets: ['DATABASE_URL', 'NOT_SET'],
        },
      ],
    });
    const path = '/v1/tenants/sec-acme/hosts/h-sec/secrets';
    const missing = await harness.call('POST', path, { token, body: { allocation: 'a-sec' } });
    expect(missing.status).toBe(409);
    expect(await missing.text()).not.toContain(value);
    const other = await harness.call('POST', path, { token, body: { allocation: 'a-other', value } });
    expect(other.status).toBe(404);
    await harness.controller.services.secrets.set(
      { tenant: 'sec-acme', environment: 'production', service: 'web' },
      'NOT_SET',
      'now set',
    );
    const fetched = await harness.call('POST', path, { token, body: { allocation: 'a-sec' } });
    expect(((await fetched.json()) as { values: Record<string, string> }).values.DATABASE_URL).toBe(value);
    for (const line of harness.logs) expect(line).not.toContain(value);
  });

  it('are stored encrypted: no file of the state folder holds the value', () => {
    const files = filesUnder(join(harness.dataDir, 'state'));
    expect(files.some((f) => f.includes('/secrets/'))).toBe(true);
    for (const file of files) expect(readFileSync(file, 'utf8')).not.toContain(value);
  });
});

describe('tenant secrets', () => {
  it('are write-only and never appear in responses, logs, the audit log or storage', async () => {
    const owner = await makeUser(harness, 'olga');
    await makeTenant(harness, 'sec-tenant', [{ user: owner.id, role: 'owner' }]);
    const token = (await makeToken(harness, owner.id, { tenant: 'sec-tenant', role: 'owner' })).token;
    const base = '/v1/tenants/sec-tenant/secrets';
    const seen: string[] = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await harness.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
      seen.push(`${response.status} ${[...response.headers].join(' ')} ${await response.text()}`);
      return response.status;
    };

    expect(await call('PUT', `${base}/CIRCLECI_TOKEN`, { value: tenantValue })).toBe(204);
    expect(await call('GET', base)).toBe(200);
    expect(seen.at(-1)).toContain('CIRCLECI_TOKEN');
    // Refused requests that carry the value: bad names, a wrong type, an unknown tenant.
    expect(await call('PUT', `${base}/1BAD`, { value: tenantValue })).toBe(400);
    expect(await call('PUT', `${base}/__proto__`, { value: tenantValue })).toBe(400);
    expect(await call('PUT', `${base}/NESTED`, { value: { nested: tenantValue } })).toBe(400);
    expect(await call('PUT', `${base}/NUL`, { value: `${tenantValue}\0` })).toBe(400);
    expect(await call('PUT', '/v1/tenants/nope/secrets/CIRCLECI_TOKEN', { value: tenantValue })).toBe(404);
    expect(await call('GET', '/v1/tenants/sec-tenant/audit')).toBe(200);
    expect(seen.at(-1)).toContain('tenant-secrets.set');

    const { items } = await harness.controller.services.audit.query({ tenant: 'sec-tenant' });
    expect(items.length).toBeGreaterThan(0);
    const revealed = await harness.controller.services.secrets.reveal(tenantRef('sec-tenant'));
    expect(revealed.CIRCLECI_TOKEN?.reveal()).toBe(tenantValue); // stored, encrypted, revealable by Slipway

    for (const captured of [...seen, JSON.stringify(items), ...harness.logs])
      expect(captured).not.toContain(tenantValue);
    const files = filesUnder(join(harness.dataDir, 'state'));
    expect(files.some((f) => f.endsWith('/tenants/sec-tenant/secrets/tenant.json'))).toBe(true);
    for (const file of files) expect(readFileSync(file, 'utf8')).not.toContain(tenantValue);
  });

  it('are never injected into a container, even when an allocation names one', async () => {
    const { tokens, hosts, secrets } = harness.controller.services;
    const { token } = await tokens.createHostToken({ tenant: 'sec-tenant', host: 'h-tenant' });
    await hosts.desired.create({
      tenant: 'sec-tenant',
      host: 'h-tenant',
      allocations: [
        {
          allocation: 'a-tenant',
          tenant: 'sec-tenant',
          service: 'web',
          environment: 'production',
          release: 'r-1',
          slot: 0,
          secrets: ['CIRCLECI_TOKEN'],
        },
      ],
    });
    const path = '/v1/tenants/sec-tenant/hosts/h-tenant/secrets';
    const refused = await harness.call('POST', path, { token, body: { allocation: 'a-tenant' } });
    expect(refused.status).toBe(409);
    const text = await refused.text();
    expect(text).toContain('CIRCLECI_TOKEN');
    expect(text).not.toContain(tenantValue);

    // A service secret of the same name is what the container gets; the tenant's stays out.
    await secrets.set(
      { tenant: 'sec-tenant', environment: 'production', service: 'web' },
      'CIRCLECI_TOKEN',
      'svc',
    );
    const fetched = await harness.call('POST', path, { token, body: { allocation: 'a-tenant' } });
    expect(await fetched.json()).toEqual({ values: { CIRCLECI_TOKEN: 'svc' } });
    for (const line of harness.logs) expect(line).not.toContain(tenantValue);
  });
});
