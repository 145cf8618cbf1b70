// The leader's AWS edge sync against moto (ELBv2, Route53, ACM), real Redis and a real scheduler:
// services and the allocations agents report healthy become each tenant's ALB, target groups,
// rules, records and certificate; scaling moves the registrations; a quiet pass changes nothing;
// a tenant without the public permission gets no internet-facing ALB; deleting a service and then
// its tenant leaves nothing tagged behind.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AwsEdge,
  createEdgeClients,
  createHostedZone,
  deleteHostedZone,
  describeTenantEdge,
  listTenantEdgeResources,
  motoDefaultNetwork,
} from '@slipway/cloud';
import type { EdgeZone } from '@slipway/core';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { hostKey, serviceKey } from '@slipway/state';
import { Redis } from 'ioredis';
import { type Harness, makeTenant, makeToken, makeUser, startHarness } from './support/api-harness.js';
import { startFakeAgent } from './support/fake-agent.js';
import { sampleRelease, sampleService } from './support/records.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001';
const connection = {
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
};
const clients = createEdgeClients(connection);
const prefix = uniquePrefix('ctl-aws-edge');
const id = (label: string) => `${label}-${prefix.slice(-6).replace(/[^a-z0-9]/g, 'x')}`;
const open = id('open');
const locked = id('locked');
const zones = new Map<string, EdgeZone>();
let redis: Redis;
let edge: AwsEdge;
let harness: Harness;
let adminToken: string;
const agents: (() => void)[] = [];

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  let value = await read();
  for (let tries = 0; !done(value) && tries < 300; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  if (!done(value)) throw new Error(`${what}: still ${JSON.stringify(value)}`);
  return value;
}

async function addTenant(tenant: string, owner: string): Promise<void> {
  await makeTenant(harness, tenant, [{ user: owner, role: 'owner' }]);
  const { repos } = harness.controller.services;
  await repos.hosts.create({
    id: 'h-1',
    tenant,
    capacity: { cpuMillicores: 4000, memoryMiB: 4096 },
    labels: { zone: 'a', pool: 'default' },
    status: 'ready',
  });
}

async function serviceView(tenant: string, service = 'web') {
  const response = await harness.call('GET', `/v1/tenants/${tenant}/services/production/${service}`, {
    token: adminToken,
  });
  return (await response.json()) as { edge: { state: string; messages: string[] } | null };
}

beforeAll(async () => {
  redis = new Redis(redisUrl);
  const network = await motoDefaultNetwork(endpoint, connection.region);
  for (const tenant of [open, locked]) {
    const domain = `${tenant}.apps.slipway-test.example`;
    zones.set(tenant, { hostedZoneId: await createHostedZone(clients, domain), domain });
  }
  edge = new AwsEdge({ ...connection, network, deployment: prefix.slice(-20).replace(/[^a-z0-9-]/g, '-') });
  harness = await startHarness(
    { REDIS_URL: redisUrl, SLIPWAY_REDIS_PREFIX: prefix, SLIPWAY_DRAIN_MS: '0' },
    {
      awsEdge: { edge, zoneOf: (tenant) => zones.get(tenant)!, resyncMs: 2000 },
      scheduler: { tickMs: 100, resyncMs: 2000, drainMs: 0 },
    },
  );
  const admin = await makeUser(harness, 'ada', { admin: true });
  adminToken = (await makeToken(harness, admin.id, { admin: true })).token;
  await addTenant(open, admin.id);
  await addTenant(locked, admin.id);
  await harness.controller.services.policies.update(
    locked,
    { permissions: { publicLoadBalancers: false } },
    { by: admin.id, now: Date.now() },
  );
  // Whatever h-1 is asked to run answers healthy at 10.0.<n>.<slot + 1>:3000.
  for (const [tenant, subnet] of [
    [open, 1],
    [locked, 2],
  ] as const)
    agents.push(
      startFakeAgent({
        harness,
        redis,
        prefix,
        tenant,
        host: 'h-1',
        endpoint: (a) => ({ address: `10.0.${subnet}.${a.slot + 1}`, port: 3000 }),
        everyMs: 200,
      }),
    );
  harness.controller.start();
}, 60_000);

afterAll(async () => {
  for (const stop of agents) stop();
  await harness?.close();
  try {
    // Whatever a failed test left: an edge handed no tenant tears every one of this deployment down.
    for (let pass = 0; pass < 5; pass++) await edge.update([]);
  } finally {
    await edge?.close();
    for (const zone of zones.values()) await deleteHostedZone(clients, zone.hostedZoneId);
    for (const client of Object.values(clients)) client.destroy();
    await cleanupRedis(redis, prefix);
    redis.disconnect();
  }
}, 120_000);

describe('the AWS edge sync (leader loop) against moto', () => {
  it('makes an internet-facing ALB, listeners, target group, rule, record and certificate for a public service, targets = healthy allocations', async () => {
    const { repos } = harness.controller.services;
    await repos.releases.create(
      sampleRelease({ tenant: open, id: 'r-1', createdAt: new Date().toISOString() }),
    );
    await repos.services.create(sampleService({ tenant: open, release: 'r-1', port: 3000 }));
    await harness.controller.services.scheduler?.wake(open);

    const described = await eventually(
      () => describeTenantEdge(clients, open),
      (edge) => Object.values(edge.targets).some((targets) => targets.length === 1),
      'the target group with its one target',
    );
    expect(Object.values(described.loadBalancers)).toEqual(['internet-facing']);
    expect(Object.values(described.targets)).toEqual([['10.0.1.1:3000']]);
    // ACM issues the certificate (moto: seconds later); then the HTTPS listener and the host rule follow.
    const view = await eventually(
      () => serviceView(open),
      (view) => view.edge?.state === 'serving',
      'the service edge status',
    );
    expect(view.edge?.messages).toEqual([]);
    const resources = await listTenantEdgeResources(clients, open, zones.get(open)!.hostedZoneId);
    expect(resources.loadBalancers).toHaveLength(1);
    expect(resources.listeners).toHaveLength(2); // HTTP → HTTPS redirect, HTTPS with the certificate
    expect(resources.rules).toHaveLength(1); // web.<tenant zone> → the service's target group
    expect(resources.certificates).toHaveLength(1);
    expect(resources.records).toEqual(
      expect.arrayContaining([`A web.${zones.get(open)!.domain}.`, expect.stringMatching(/^CNAME /)]),
    );
  }, 120_000);

  it('moves target registrations with the allocations when the service scales', async () => {
    const response = await harness.call('POST', `/v1/tenants/${open}/services/production/web/scale`, {
      token: adminToken,
      body: { replicas: 3 },
    });
    expect(response.status).toBe(200);
    const up = await eventually(
      () => describeTenantEdge(clients, open),
      (edge) => Object.values(edge.targets)[0]?.length === 3,
      'three targets',
    );
    expect(Object.values(up.targets)[0]).toEqual(['10.0.1.1:3000', '10.0.1.2:3000', '10.0.1.3:3000']);

    await harness.call('POST', `/v1/tenants/${open}/services/production/web/scale`, {
      token: adminToken,
      body: { replicas: 1 },
    });
    const down = await eventually(
      () => describeTenantEdge(clients, open),
      (edge) => Object.values(edge.targets)[0]?.length === 1,
      'one target left',
    );
    expect(Object.values(down.targets)[0]).toEqual(['10.0.1.1:3000']);
  }, 120_000);

  it('makes no mutating call on a resync with nothing changed', async () => {
    await eventually(
      async () => edge.stats().mutating,
      (() => {
        // Settled once two resyncs (2 s apart) in a row made no call that changes anything.
        let last = -1;
        let quiet = 0;
        return (mutating: number) => {
          quiet = mutating === last ? quiet + 1 : 0;
          last = mutating;
          return quiet >= 15;
        };
      })(),
      'a quiet edge',
    );
    const before = edge.stats();
    await new Promise((resolve) => setTimeout(resolve, 4500)); // two more resyncs
    const after = edge.stats();
    expect(after.mutating - before.mutating).toBe(0);
    expect(after.reads).toBeGreaterThan(before.reads); // it did look
  }, 120_000);

  it('never gives a tenant without the public permission an internet-facing ALB: the API refuses; the edge serves it internally and says why, with the policy named', async () => {
    const refused = await harness.call('POST', `/v1/tenants/${locked}/services`, {
      token: adminToken,
      body: { name: 'web', image: `127.0.0.1:5000/${locked}/web@sha256:${'a'.repeat(64)}`, port: 3000 },
    });
    const answer = JSON.stringify(await refused.json());
    expect([refused.status, answer]).toEqual([
      400,
      expect.stringMatching(/policy_denied.*permissions.publicLoadBalancers/),
    ]);

    // A public service stored before the policy changed: the edge still refuses it.
    const { repos } = harness.controller.services;
    await repos.releases.create(
      sampleRelease({ tenant: locked, id: 'r-1', createdAt: new Date().toISOString() }),
    );
    await repos.services.create(sampleService({ tenant: locked, release: 'r-1', port: 3000 }));
    await harness.controller.services.scheduler?.wake(locked);
    const view = await eventually(
      () => serviceView(locked),
      (view) => view.edge?.state === 'refused',
      'the refusal on the service',
    );
    expect(view.edge?.messages.join(' ')).toContain('permissions.publicLoadBalancers');
    // Served on the internal load balancer only.
    const served = await eventually(
      () => describeTenantEdge(clients, locked),
      (edge) => Object.values(edge.targets).some((targets) => targets.length === 1),
      'the internal target',
    );
    expect(Object.values(served.loadBalancers)).toEqual(['internal']);

    // Made internal, as the refusal asks, it is served without complaint.
    await repos.services.update(
      serviceKey({ tenant: locked, environment: 'production', name: 'web' }),
      (current) => ({
        ...current!,
        visibility: 'internal',
      }),
    );
    await harness.controller.services.scheduler?.wake(locked);
    const accepted = await eventually(
      () => serviceView(locked),
      (view) => view.edge?.state === 'serving',
      'the service served internally',
    );
    expect(accepted.edge?.messages).toEqual([]);
    expect(Object.values((await describeTenantEdge(clients, locked)).loadBalancers)).toEqual(['internal']);
  }, 120_000);

  it('deleting the services, then the tenants, leaves no tagged resource behind', async () => {
    for (const tenant of [open, locked]) {
      const deleted = await harness.call('DELETE', `/v1/tenants/${tenant}/services/production/web`, {
        token: adminToken,
      });
      expect(deleted.status).toBe(204);
    }
    for (const tenant of [open, locked])
      await eventually(
        () => describeTenantEdge(clients, tenant),
        (edge) => Object.keys(edge.targets).length === 0 && Object.keys(edge.loadBalancers).length === 0,
        `${tenant}'s edge without services`,
      );
    for (const tenant of [open, locked]) {
      await harness.controller.services.repos.hosts.delete(hostKey({ tenant, id: 'h-1' }));
      const deleted = await harness.call('DELETE', `/v1/tenants/${tenant}`, { token: adminToken });
      expect(deleted.status).toBe(204);
    }
    for (const tenant of [open, locked])
      await eventually(
        () => listTenantEdgeResources(clients, tenant, zones.get(tenant)!.hostedZoneId),
        (left) => Object.values(left).every((list) => list.length === 0),
        `${tenant}'s tagged resources`,
      );
  }, 120_000);
});
