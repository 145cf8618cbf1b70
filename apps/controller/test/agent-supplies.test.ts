// What an agent fetches besides its desired state: the tenant's policy, pull credentials (only for
// the platform's registry) and the secret values of allocations in its own desired document.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, makeTenant, makeUser, startHarness } from './support/api-harness.js';

let harness: Harness;
const tenant = 'supplies-acme';
const secretValue = `v-${Math.random().toString(36).slice(2)}-never-logged`;
const hosts: Record<'mine' | 'neighbour', { name: string; token: string }> = {
  mine: { name: 'h-mine', token: '' },
  neighbour: { name: 'h-neighbour', token: '' },
};

function allocation(id: string, secrets: string[], service = 'web') {
  return { allocation: id, tenant, service, environment: 'production', release: 'r-1', slot: 0, secrets };
}

beforeAll(async () => {
  harness = await startHarness();
  const owner = await makeUser(harness, 'olga');
  await makeTenant(harness, tenant, [{ user: owner.id, role: 'owner' }]);
  const { tokens, hosts: hostServices, secrets } = harness.controller.services;
  for (const host of Object.values(hosts))
    host.token = (await tokens.createHostToken({ tenant, host: host.name })).token;
  await secrets.set({ tenant, environment: 'production', service: 'web' }, 'DATABASE_URL', secretValue);
  await secrets.set({ tenant, environment: 'production', service: 'web' }, 'UNUSED', 'not asked for');
  await hostServices.desired.create({
    tenant,
    host: hosts.mine.name,
    allocations: [
      allocation('a-web', ['DATABASE_URL']),
      allocation('a-plain', []),
      allocation('a-missing', ['DATABASE_URL', 'API_KEY', 'SMTP_PASSWORD']),
    ],
  });
  await hostServices.desired.create({
    tenant,
    host: hosts.neighbour.name,
    allocations: [allocation('a-theirs', ['DATABASE_URL'])],
  });
});
afterAll(async () => {
  await harness.close();
});

const hostPath = (host: string, rest: string) => `/v1/tenants/${tenant}/hosts/${host}/${rest}`;
const asMine = (method: string, rest: string, body?: unknown) =>
  harness.call(method, hostPath(hosts.mine.name, rest), {
    token: hosts.mine.token,
    ...(body === undefined ? {} : { body }),
  });

async function auditOf(action: string) {
  const { items } = await harness.controller.services.audit.query({ tenant, action });
  return items;
}

describe('GET …/hosts/:host/policy', () => {
  it("answers the tenant's current policy, not cached", async () => {
    await harness.controller.services.policies.update(
      tenant,
      { permissions: { privileged: true } },
      { by: 'test', now: harness.clock.now },
    );
    const response = await asMine('GET', 'policy');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const policy = (await response.json()) as { tenant: string; permissions: { privileged: boolean } };
    expect(policy.tenant).toBe(tenant);
    expect(policy.permissions.privileged).toBe(true);
  });

  it("answers 404 to another host's token", async () => {
    const response = await harness.call('GET', hostPath(hosts.mine.name, 'policy'), {
      token: hosts.neighbour.token,
    });
    expect(response.status).toBe(404);
  });
});

describe('POST …/hosts/:host/registry-credentials', () => {
  it("gives the platform registry's credentials for its images, unaudited", async () => {
    const response = await asMine('POST', 'registry-credentials', {
      image: `127.0.0.1:5000/${tenant}/web@sha256:${'a'.repeat(64)}`,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ credentials: { serveraddress: '127.0.0.1:5000' } });
    expect(await auditOf('hosts.registry-credentials')).toEqual([]);
  });

  it('answers null for a foreign registry or Docker Hub: the agent pulls anonymously', async () => {
    for (const image of ['ghcr.io/acme/web:1', 'slipway/busybox:local', '127.0.0.1:5001/acme/web:1']) {
      const response = await asMine('POST', 'registry-credentials', { image });
      expect(await response.json()).toEqual({ credentials: null });
    }
  });

  it("refuses another host's token with 404, and audits the refusal", async () => {
    const response = await harness.call('POST', hostPath(hosts.mine.name, 'registry-credentials'), {
      token: hosts.neighbour.token,
      body: { image: '127.0.0.1:5000/acme/web:1' },
    });
    expect(response.status).toBe(404);
    const entries = await auditOf('hosts.registry-credentials');
    expect(entries.map((e) => ({ actor: e.actor.id, status: e.status }))).toEqual([
      { actor: hosts.neighbour.name, status: 404 },
    ]);
  });
});

describe('POST …/hosts/:host/secrets', () => {
  it("returns exactly the values the allocation's spec names, and audits who, which allocation and which names", async () => {
    const response = await asMine('POST', 'secrets', { allocation: 'a-web' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ values: { DATABASE_URL: secretValue } });
    const [entry] = (await auditOf('hosts.secrets')).filter((e) => e.target?.id === 'a-web');
    expect(entry).toMatchObject({
      actor: { kind: 'host', id: hosts.mine.name },
      target: { type: 'allocation', id: 'a-web' },
      status: 200,
      details: { host: hosts.mine.name, names: 'DATABASE_URL' },
    });
    expect(JSON.stringify(entry)).not.toContain(secretValue);
  });

  it('returns no values for an allocation that names no secrets', async () => {
    const response = await asMine('POST', 'secrets', { allocation: 'a-plain' });
    expect(await response.json()).toEqual({ values: {} });
  });

  it("answers 404 for an allocation outside the host's desired document, even one of its neighbour", async () => {
    for (const id of ['a-theirs', 'a-nowhere']) {
      const response = await asMine('POST', 'secrets', { allocation: id });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain(secretValue);
    }
  });

  it("answers 404 to another host's token asking for this host's allocation", async () => {
    const response = await harness.call('POST', hostPath(hosts.mine.name, 'secrets'), {
      token: hosts.neighbour.token,
      body: { allocation: 'a-web' },
    });
    expect(response.status).toBe(404);
  });

  it('answers 409 naming the secrets that are not set, never a value', async () => {
    const response = await asMine('POST', 'secrets', { allocation: 'a-missing' });
    expect(response.status).toBe(409);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'secrets_missing' } });
    expect(text).toContain('API_KEY, SMTP_PASSWORD');
    expect(text).not.toContain(secretValue);
    const [entry] = (await auditOf('hosts.secrets')).filter((e) => e.target?.id === 'a-missing');
    expect(entry).toMatchObject({ status: 409, details: { names: 'DATABASE_URL,API_KEY,SMTP_PASSWORD' } });
  });

  it('never writes a secret value to a log line', () => {
    expect(harness.logs.length).toBeGreaterThan(0);
    for (const line of harness.logs) expect(line).not.toContain(secretValue);
  });
});
