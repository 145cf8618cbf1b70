import {
  DescribeListenerCertificatesCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EdgeNetwork, EdgeServiceInput, TenantEdgeInput } from '@slipway/core';
import { uniquePrefix } from '@slipway/devenv/testing';
import { AwsEdge, type AwsEdgeUpdateReport } from './aws-edge.js';
import { createEdgeClients } from './edge-clients.js';
import {
  createHostedZone,
  deleteHostedZone,
  describeCertificate,
  listTenantEdgeResources,
  motoDefaultNetwork,
} from './moto-fixtures.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001';
const connection = {
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
};
/** The test's own clients, for looking at what the edge made (the edge counts only its own calls). */
const clients = createEdgeClients(connection);

const deployment = uniquePrefix('edge');
const acme = uniquePrefix('acme');
const locked = uniquePrefix('locked');
const zones = new Map<string, { hostedZoneId: string; domain: string }>();
let network: EdgeNetwork;
let edge: AwsEdge;

function web(tenant: string, overrides: Partial<EdgeServiceInput> = {}): EdgeServiceInput {
  return {
    service: 'web',
    environment: 'production',
    visibility: 'public',
    port: 8080,
    hostnames: [`web.${zones.get(tenant)!.domain}`],
    health: { path: '/healthz', intervalMs: 10_000, timeoutMs: 4_000 },
    drainMs: 20_000,
    targets: [{ address: '172.31.0.10', port: 32768 }],
    ...overrides,
  };
}

function tenantInput(
  tenant: string,
  services: EdgeServiceInput[],
  publicLoadBalancers = true,
): TenantEdgeInput {
  return { tenant, zone: zones.get(tenant)!, publicLoadBalancers, services };
}

/** Passes until one changes nothing (and, unless tearing down, nothing waits on ACM). moto issues a certificate 60 s after the request. */
async function converge(
  tenants: TenantEdgeInput[],
  { waitForCertificates = true } = {},
): Promise<AwsEdgeUpdateReport> {
  for (let pass = 0; pass < 60; pass++) {
    const report = await edge.update(tenants);
    for (const t of report.tenants) expect(t.failures).toEqual([]);
    const busy = report.tenants.some(
      (t) => t.actions.length > 0 || (waitForCertificates && t.waiting.length > 0),
    );
    if (!busy) return report;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error('the edge did not converge in 60 passes');
}

async function loadBalancersOf(tenant: string) {
  const all = await clients.elb.send(new DescribeLoadBalancersCommand({}));
  const arns = (all.LoadBalancers ?? []).map((lb) => lb.LoadBalancerArn!);
  const mine: typeof all.LoadBalancers = [];
  for (let i = 0; i < arns.length; i += 20) {
    const tags = await clients.elb.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + 20) }));
    for (const d of tags.TagDescriptions ?? [])
      if (d.Tags?.some((t) => t.Key === 'slipway:tenant' && t.Value === tenant))
        mine.push(all.LoadBalancers!.find((lb) => lb.LoadBalancerArn === d.ResourceArn)!);
  }
  return mine;
}

async function targetsOf(targetGroupArn: string) {
  const health = await clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return (health.TargetHealthDescriptions ?? [])
    .filter((t) => t.TargetHealth?.State !== 'draining')
    .map((t) => `${t.Target!.Id}:${t.Target!.Port}`)
    .sort();
}

async function recordsOf(tenant: string) {
  const sets = await clients.route53.send(
    new ListResourceRecordSetsCommand({ HostedZoneId: zones.get(tenant)!.hostedZoneId }),
  );
  return (sets.ResourceRecordSets ?? []).filter((s) => s.Type === 'A' || s.Type === 'CNAME');
}

beforeAll(async () => {
  network = await motoDefaultNetwork(endpoint, 'us-east-1');
  for (const tenant of [acme, locked]) {
    const domain = `${tenant}.slipway-test.example`;
    zones.set(tenant, { hostedZoneId: await createHostedZone(clients, domain), domain });
  }
  edge = new AwsEdge({ ...connection, network, deployment });
});

afterAll(async () => {
  try {
    // Nothing handed in: every tenant of this deployment is torn down.
    if (edge) await converge([], { waitForCertificates: false });
    for (const [tenant, zone] of zones) {
      const left = await listTenantEdgeResources(clients, tenant, zone.hostedZoneId);
      expect(left).toEqual({
        loadBalancers: [],
        targetGroups: [],
        listeners: [],
        rules: [],
        certificates: [],
        records: [],
      });
    }
  } finally {
    for (const zone of zones.values()) await deleteHostedZone(clients, zone.hostedZoneId);
    await edge?.close();
    for (const client of Object.values(clients)) client.destroy();
  }
}, 180_000);

describe('AwsEdge against moto', () => {
  it('creating a service makes its internet-facing ALB, redirect listener, target group, alias record and certificate request, all tagged', async () => {
    const report = await edge.update([tenantInput(acme, [web(acme)])]);
    const [tenantReport] = report.tenants;
    expect(tenantReport).toMatchObject({ tenant: acme, failures: [], refusals: [] });
    expect(tenantReport!.actions).toEqual(
      expect.arrayContaining([
        'request-certificate',
        'create-target-group',
        'create-load-balancer',
        'create-listener',
      ]),
    );
    expect(tenantReport!.waiting).toEqual([expect.objectContaining({ what: 'certificate' })]);

    const [lb] = await loadBalancersOf(acme);
    expect(lb).toMatchObject({ Scheme: 'internet-facing', Type: 'application' });
    const tags = await clients.elb.send(new DescribeTagsCommand({ ResourceArns: [lb!.LoadBalancerArn!] }));
    expect(tags.TagDescriptions![0]!.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'slipway:tenant', Value: acme },
        { Key: 'slipway:managed', Value: 'true' },
        { Key: 'slipway:deployment', Value: deployment },
      ]),
    );
    const listeners = await clients.elb.send(
      new DescribeListenersCommand({ LoadBalancerArn: lb!.LoadBalancerArn! }),
    );
    expect(listeners.Listeners!.map((l) => [l.Port, l.Protocol, l.DefaultActions![0]!.Type])).toEqual([
      [80, 'HTTP', 'redirect'],
    ]);
    const groups = await clients.elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: undefined }));
    const group = groups.TargetGroups!.find(
      (g) => g.TargetGroupName?.includes(acme.slice(0, 6)) && g.Port === 8080,
    );
    expect(group).toMatchObject({
      TargetType: 'ip',
      HealthCheckPath: '/healthz',
      HealthCheckIntervalSeconds: 10,
    });
    const groupTags = await clients.elb.send(
      new DescribeTagsCommand({ ResourceArns: [group!.TargetGroupArn!] }),
    );
    expect(groupTags.TagDescriptions![0]!.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'slipway:service', Value: 'web' },
        { Key: 'slipway:tenant', Value: acme },
      ]),
    );
    const attributes = await clients.elb.send(
      new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group!.TargetGroupArn! }),
    );
    expect(attributes.Attributes).toContainEqual({
      Key: 'deregistration_delay.timeout_seconds',
      Value: '20',
    });
    expect(await targetsOf(group!.TargetGroupArn!)).toEqual(['172.31.0.10:32768']);
    expect((await recordsOf(acme)).map((r) => [r.Type, r.Name, r.AliasTarget?.DNSName])).toContainEqual([
      'A',
      `web.${zones.get(acme)!.domain}.`,
      lb!.DNSName,
    ]);
    const resources = await listTenantEdgeResources(clients, acme);
    expect(resources.certificates).toHaveLength(1);
    const certificate = await describeCertificate(clients, resources.certificates[0]!);
    expect(certificate?.SubjectAlternativeNames).toEqual([`*.${zones.get(acme)!.domain}`]);
  });

  it('once ACM issues the certificate: an HTTPS listener carrying it, a host-header rule and the validation record', async () => {
    await converge([tenantInput(acme, [web(acme)])]);
    const [lb] = await loadBalancersOf(acme);
    const listeners = await clients.elb.send(
      new DescribeListenersCommand({ LoadBalancerArn: lb!.LoadBalancerArn! }),
    );
    const https = listeners.Listeners!.find((l) => l.Port === 443)!;
    expect(https).toMatchObject({ Protocol: 'HTTPS' });
    const certificates = await clients.elb.send(
      new DescribeListenerCertificatesCommand({ ListenerArn: https.ListenerArn! }),
    );
    const [certificateArn] = (await listTenantEdgeResources(clients, acme)).certificates;
    expect(certificates.Certificates!.map((c) => c.CertificateArn)).toEqual([certificateArn]);
    const rules = await clients.elb.send(new DescribeRulesCommand({ ListenerArn: https.ListenerArn! }));
    expect(
      rules.Rules!.filter((r) => !r.IsDefault).map((r) => r.Conditions![0]!.HostHeaderConfig?.Values),
    ).toEqual([[`web.${zones.get(acme)!.domain}`]]);
    expect((await recordsOf(acme)).filter((r) => r.Type === 'CNAME')).toEqual([
      expect.objectContaining({
        ResourceRecords: [{ Value: expect.stringMatching(/acm-validations\.aws\.?$/) }],
      }),
    ]);
  }, 150_000);

  it('a second sync with nothing changed makes zero mutating calls', async () => {
    const before = edge.stats();
    const report = await edge.update([tenantInput(acme, [web(acme)])]);
    const after = edge.stats();
    expect(report.tenants.map((t) => t.actions)).toEqual([[]]);
    expect(after.mutating - before.mutating).toBe(0);
    expect(after.reads).toBeGreaterThan(before.reads);
  });

  it('a malformed tenant refuses the whole update and changes nothing (it is not taken for a deleted tenant)', async () => {
    const before = edge.stats();
    const bad = tenantInput(acme, [
      web(acme, { targets: [{ address: 'http://172.31.0.10:32768', port: 32768 }] }),
    ]);
    await expect(edge.update([bad])).rejects.toMatchObject({
      code: 'EDGE_INVALID_ROUTE',
      message: expect.stringContaining('services.0.targets.0.address'),
    });
    expect(edge.stats()).toEqual(before);
    expect(await loadBalancersOf(acme)).toHaveLength(1);
  });

  it('scaling moves the target registrations with the healthy allocations', async () => {
    const scaled = [
      { address: '172.31.0.10', port: 32768 },
      { address: '172.31.0.11', port: 32770 },
      { address: '172.31.0.12', port: 32771 },
    ];
    await converge([tenantInput(acme, [web(acme, { targets: scaled })])]);
    const groups = await clients.elb.send(new DescribeTargetGroupsCommand({}));
    const group = groups.TargetGroups!.find((g) => g.TargetGroupName?.includes(acme.slice(0, 6)))!;
    expect(await targetsOf(group.TargetGroupArn!)).toEqual([
      '172.31.0.10:32768',
      '172.31.0.11:32770',
      '172.31.0.12:32771',
    ]);
    // A rolling deploy: the old allocation leaves, a new one arrives.
    const report = await edge.update([
      tenantInput(acme, [web(acme, { targets: [scaled[2]!, { address: '172.31.0.20', port: 32800 }] })]),
    ]);
    expect(report.tenants[0]!.actions).toEqual(['register-targets', 'deregister-targets']);
    expect(await targetsOf(group.TargetGroupArn!)).toEqual(['172.31.0.12:32771', '172.31.0.20:32800']);
  }, 60_000);

  it('a tenant without the public permission never gets an internet-facing ALB, and the refusal names the policy', async () => {
    const report = await converge(
      [tenantInput(acme, [web(acme)]), tenantInput(locked, [web(locked)], false)],
      { waitForCertificates: false },
    );
    const lockedReport = report.tenants.find((t) => t.tenant === locked)!;
    expect(lockedReport.refusals).toEqual([
      expect.objectContaining({
        code: 'PUBLIC_NOT_ALLOWED',
        service: 'web',
        denial: expect.objectContaining({ policy: 'permissions.publicLoadBalancers' }),
      }),
    ]);
    expect((await loadBalancersOf(locked)).map((lb) => lb.Scheme)).toEqual(['internal']);
  }, 60_000);

  it('taking the permission away replaces the internet-facing ALB with an internal one', async () => {
    await converge([tenantInput(acme, [web(acme)], false), tenantInput(locked, [web(locked)], false)], {
      waitForCertificates: false,
    });
    const balancers = await loadBalancersOf(acme);
    expect(balancers.map((lb) => lb.Scheme)).toEqual(['internal']);
    const records = await recordsOf(acme);
    expect(records.find((r) => r.Type === 'A')?.AliasTarget?.DNSName).toBe(balancers[0]!.DNSName);
  }, 60_000);

  it('deleting a service removes its rule, record and target group; deleting the tenant leaves nothing tagged', async () => {
    const api = web(acme, { service: 'api', hostnames: [`api.${zones.get(acme)!.domain}`], port: 9000 });
    // acme's certificate is issued already (a wildcard covers api too); locked's may still be pending.
    const noWait = { waitForCertificates: false };
    await converge([tenantInput(acme, [web(acme), api]), tenantInput(locked, [web(locked)], false)], noWait);
    expect((await listTenantEdgeResources(clients, acme)).targetGroups).toHaveLength(2);
    expect((await listTenantEdgeResources(clients, acme)).rules).toHaveLength(2);
    expect((await recordsOf(acme)).map((r) => r.Name)).toContain(`api.${zones.get(acme)!.domain}.`);

    await converge([tenantInput(acme, [web(acme)]), tenantInput(locked, [web(locked)], false)], noWait);
    const afterService = await listTenantEdgeResources(clients, acme, zones.get(acme)!.hostedZoneId);
    expect(afterService.targetGroups).toHaveLength(1);
    expect(afterService.rules).toHaveLength(1);
    expect(afterService.records).not.toContain(`A api.${zones.get(acme)!.domain}.`);

    await converge([tenantInput(locked, [web(locked)], false)], { waitForCertificates: false });
    expect(await listTenantEdgeResources(clients, acme, zones.get(acme)!.hostedZoneId)).toEqual({
      loadBalancers: [],
      targetGroups: [],
      listeners: [],
      rules: [],
      certificates: [],
      records: [],
    });
  }, 150_000);
});
