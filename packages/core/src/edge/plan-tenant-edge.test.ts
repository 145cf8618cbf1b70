import { describe, expect, it } from '@jest/globals';
import { planTenantEdge } from './plan-tenant-edge.js';
import type { EdgeServiceInput, ObservedCertificate, PlanTenantEdgeInput } from './tenant-edge.js';

const network = { vpcId: 'vpc-1', subnets: ['subnet-b', 'subnet-a'], securityGroups: ['sg-1'] };
const zone = { hostedZoneId: 'Z123', domain: 'acme.example.com' };

function service(name: string, overrides: Partial<EdgeServiceInput> = {}): EdgeServiceInput {
  return {
    service: name,
    environment: 'production',
    visibility: 'public',
    port: 8080,
    hostnames: [`${name}.acme.example.com`],
    health: { path: '/healthz', intervalMs: 10_000, timeoutMs: 4_000 },
    drainMs: 15_000,
    targets: [{ address: '10.0.1.5', port: 32768 }],
    ...overrides,
  };
}

function input(overrides: Partial<PlanTenantEdgeInput> = {}): PlanTenantEdgeInput {
  return {
    tenant: 'acme',
    zone,
    publicLoadBalancers: true,
    network,
    services: [service('web')],
    certificates: [],
    ...overrides,
  };
}

/** The certificates of a first plan, as ACM would report them once issued. */
function issued(plan: ReturnType<typeof planTenantEdge>): ObservedCertificate[] {
  return plan.certificates.map((certificate, i) => ({
    key: certificate.key,
    arn: `arn:aws:acm:us-east-1:1:certificate/${i}`,
    status: 'ISSUED',
    validationRecords: [
      { name: `_x.${certificate.domains[0]!.replace('*.', '')}.`, value: '_y.acm-validations.aws.' },
    ],
  }));
}

describe('planTenantEdge', () => {
  it('plans a public service: ALB, redirect, certificate request and alias record, HTTPS waiting for issuance', () => {
    const plan = planTenantEdge(input());
    expect(plan.loadBalancers).toEqual([
      expect.objectContaining({ scheme: 'internet-facing', subnets: ['subnet-a', 'subnet-b'] }),
    ]);
    const lb = plan.loadBalancers[0]!.name;
    expect(plan.listeners).toEqual([
      expect.objectContaining({
        loadBalancer: lb,
        port: 80,
        protocol: 'HTTP',
        action: { type: 'redirect-to-https' },
      }),
    ]);
    expect(plan.certificates).toEqual([expect.objectContaining({ domains: ['*.acme.example.com'] })]);
    expect(plan.records).toEqual([{ kind: 'alias', name: 'web.acme.example.com', loadBalancer: lb }]);
    expect(plan.rules).toEqual([]);
    expect(plan.waiting).toEqual([expect.objectContaining({ what: 'certificate' })]);
    expect(plan.targetGroups).toEqual([
      expect.objectContaining({
        service: 'web',
        port: 8080,
        healthCheck: { path: '/healthz', intervalSeconds: 10, timeoutSeconds: 4 },
        deregistrationDelaySeconds: 15,
        targets: [{ address: '10.0.1.5', port: 32768 }],
        tags: {
          'slipway:managed': 'true',
          'slipway:tenant': 'acme',
          'slipway:service': 'web',
          'slipway:environment': 'production',
        },
      }),
    ]);
  });

  it('once the certificate is issued: HTTPS listener with it, a host-header rule, and the validation record', () => {
    const first = planTenantEdge(input());
    const plan = planTenantEdge(input({ certificates: issued(first) }));
    const lb = plan.loadBalancers[0]!.name;
    expect(plan.listeners.map((l) => [l.port, l.protocol, l.certificateArns])).toEqual([
      [80, 'HTTP', []],
      [443, 'HTTPS', ['arn:aws:acm:us-east-1:1:certificate/0']],
    ]);
    expect(plan.rules).toEqual([
      expect.objectContaining({
        loadBalancer: lb,
        listenerPort: 443,
        hostname: 'web.acme.example.com',
        targetGroup: plan.targetGroups[0]!.name,
      }),
    ]);
    expect(plan.records).toContainEqual({
      kind: 'validation',
      name: '_x.acme.example.com',
      value: '_y.acm-validations.aws.',
    });
    expect(plan.waiting).toEqual([]);
  });

  it('never makes an internet-facing ALB without the permission, and names the policy', () => {
    const plan = planTenantEdge(input({ publicLoadBalancers: false }));
    expect(plan.loadBalancers.map((lb) => lb.scheme)).toEqual(['internal']);
    expect(plan.refusals).toEqual([
      expect.objectContaining({
        code: 'PUBLIC_NOT_ALLOWED',
        service: 'web',
        denial: expect.objectContaining({ policy: 'permissions.publicLoadBalancers', allowed: false }),
      }),
    ]);
  });

  it('keeps internal services off the internet-facing ALB', () => {
    const plan = planTenantEdge(
      input({ services: [service('web'), service('admin', { visibility: 'internal' })] }),
    );
    expect(plan.loadBalancers.map((lb) => lb.scheme)).toEqual(['internet-facing', 'internal']);
    const internal = plan.loadBalancers[1]!.name;
    expect(plan.targetGroups.find((g) => g.service === 'admin')?.loadBalancer).toBe(internal);
    expect(plan.records).toContainEqual({
      kind: 'alias',
      name: 'admin.acme.example.com',
      loadBalancer: internal,
    });
  });

  it('an only-internal tenant gets one internal ALB', () => {
    const plan = planTenantEdge(input({ services: [service('api', { visibility: 'internal' })] }));
    expect(plan.loadBalancers.map((lb) => lb.scheme)).toEqual(['internal']);
    expect(plan.refusals).toEqual([]);
  });

  it('no services: an empty plan (everything the tenant has goes)', () => {
    const plan = planTenantEdge(input({ services: [] }));
    expect([
      plan.loadBalancers,
      plan.targetGroups,
      plan.listeners,
      plan.rules,
      plan.certificates,
      plan.records,
    ]).toEqual([[], [], [], [], [], []]);
  });

  it('refuses host names outside the zone and names claimed twice', () => {
    const plan = planTenantEdge(
      input({
        services: [
          service('api', { hostnames: ['api.acme.example.com', 'www.other.org'] }),
          service('web', { hostnames: ['web.acme.example.com', 'API.acme.example.com.'] }),
        ],
      }),
    );
    expect(plan.refusals.map((r) => [r.code, r.service])).toEqual([
      ['HOSTNAME_OUTSIDE_ZONE', 'api'],
      ['HOSTNAME_CONFLICT', 'web'],
    ]);
    expect(plan.records.map((r) => r.name)).toEqual(['api.acme.example.com', 'web.acme.example.com']);
  });

  it('an extra port gets its own listener forwarding to its own target group; 80/443 and taken ports are refused', () => {
    const plan = planTenantEdge(
      input({
        services: [
          service('mqtt', {
            extraPorts: [
              {
                listenerPort: 1883,
                protocol: 'HTTP',
                containerPort: 1883,
                targets: [{ address: '10.0.1.5', port: 40001 }],
              },
              { listenerPort: 443, protocol: 'HTTP', containerPort: 9000, targets: [] },
            ],
          }),
          service('other', {
            extraPorts: [{ listenerPort: 1883, protocol: 'HTTP', containerPort: 1883, targets: [] }],
          }),
        ],
      }),
    );
    const mqtt = plan.targetGroups.find((g) => g.service === 'mqtt' && g.port === 1883)!;
    expect(mqtt.targets).toEqual([{ address: '10.0.1.5', port: 40001 }]);
    expect(plan.listeners).toContainEqual(
      expect.objectContaining({
        port: 1883,
        protocol: 'HTTP',
        action: { type: 'forward', targetGroup: mqtt.name },
      }),
    );
    expect(plan.refusals.map((r) => [r.code, r.service])).toEqual([
      ['RESERVED_PORT', 'mqtt'],
      ['PORT_CONFLICT', 'other'],
    ]);
  });

  it('health settings and drain time are clamped to what an ALB accepts', () => {
    const plan = planTenantEdge(
      input({
        services: [
          service('web', { health: { path: '/', intervalMs: 1000, timeoutMs: 900 }, drainMs: 10_000_000 }),
        ],
      }),
    );
    expect(plan.targetGroups[0]).toMatchObject({
      healthCheck: { intervalSeconds: 5, timeoutSeconds: 2 },
      deregistrationDelaySeconds: 3600,
    });
  });

  it('covers deeper names by their parent wildcard and cuts certificates at the name limit', () => {
    const services = Array.from({ length: 5 }, (_, i) =>
      service(`s${i}`, {
        hostnames: [`s${i}.r${i}.acme.example.com`, 'acme.example.com'].slice(0, i === 0 ? 2 : 1),
      }),
    );
    const plan = planTenantEdge(input({ services, maxNamesPerCertificate: 4 }));
    expect(plan.certificates.map((c) => c.domains)).toEqual([
      ['*.r0.acme.example.com', '*.r1.acme.example.com', '*.r2.acme.example.com', '*.r3.acme.example.com'],
      ['*.r4.acme.example.com', 'acme.example.com'],
    ]);
  });

  it('adding a service moves no existing rule priority or name', () => {
    const withIssued = (services: EdgeServiceInput[]) =>
      planTenantEdge(input({ services, certificates: issued(planTenantEdge(input({ services }))) }));
    const before = withIssued([service('web'), service('api')]);
    const after = withIssued([service('web'), service('api'), service('docs')]);
    expect(after.rules.map((r) => [r.hostname, r.priority])).toEqual(
      expect.arrayContaining(before.rules.map((r) => [r.hostname, r.priority])),
    );
    expect(after.targetGroups.map((g) => g.name)).toEqual(
      expect.arrayContaining(before.targetGroups.map((g) => g.name)),
    );
    expect(after.loadBalancers).toEqual(before.loadBalancers);
  });
});

describe('planTenantEdge: a changed domain set', () => {
  it('keeps the old issued certificate serving until the new one is issued, then lets it go', () => {
    const before = planTenantEdge(input());
    const oldCertificate = issued(before)[0]!;
    const services = [service('web'), service('docs', { hostnames: ['docs.eu.acme.example.com'] })];
    const pending = planTenantEdge(
      input({ services, maxNamesPerCertificate: 1, certificates: [oldCertificate] }),
    );
    expect(pending.certificates.map((c) => c.domains)).toEqual([
      ['*.acme.example.com'],
      ['*.eu.acme.example.com'],
    ]);
    // '*.acme.example.com' alone keeps its key, so that set is already issued; the other waits.
    expect(pending.listeners.find((l) => l.port === 443)?.certificateArns).toEqual([oldCertificate.arn]);

    const moved = planTenantEdge(
      input({ services: [service('web')], maxNamesPerCertificate: 10, certificates: [] }),
    );
    const renamed = planTenantEdge(
      input({
        services: [service('web', { hostnames: ['web.acme.example.com', 'acme.example.com'] })],
        certificates: [{ ...oldCertificate, key: 'an-old-set' }],
      }),
    );
    expect(moved.retainedCertificateArns).toEqual([]);
    expect(renamed.retainedCertificateArns).toEqual([oldCertificate.arn]);
    expect(renamed.listeners.find((l) => l.port === 443)?.certificateArns).toEqual([oldCertificate.arn]);
    expect(renamed.waiting).toHaveLength(1);
  });

  it('asks ACM for no certificate without a name of at most 64 characters, and says why', () => {
    const long = { hostedZoneId: 'Z123', domain: `${'a'.repeat(40)}.${'b'.repeat(30)}.example.com` };
    const plan = planTenantEdge(
      input({ zone: long, services: [service('web', { hostnames: [`web.${long.domain}`] })] }),
    );
    expect(plan.certificates).toEqual([]);
    expect(plan.waiting).toEqual([
      {
        what: 'certificate',
        message: expect.stringMatching(
          /no certificate can be requested for \*\.a+\.b+\.example\.com: ACM needs one name of at most 64 characters/,
        ),
      },
    ]);
    // The load balancer and its record are still made; HTTPS waits for a shorter name.
    expect(plan.records).toEqual([expect.objectContaining({ kind: 'alias', name: `web.${long.domain}` })]);
  });
});
