import { describe, expect, it } from '@jest/globals';
import { loadBalancerName } from '@slipway/core';
import type { RecordSet } from './actual-edge.js';
import { asActualRecord, tenantRecords } from './read-edge.js';
import { parseTenantEdgeInputs } from './tenant-edge-input.js';

const alias = (name: string, dnsName: string): RecordSet => ({
  Name: `${name}.`,
  Type: 'A',
  AliasTarget: { HostedZoneId: 'ZELB', DNSName: dnsName, EvaluateTargetHealth: true },
});
const cname = (name: string, value: string): RecordSet => ({
  Name: `${name}.`,
  Type: 'CNAME',
  TTL: 300,
  ResourceRecords: [{ Value: value }],
});

describe('tenantRecords', () => {
  it('picks, in a zone two tenants share, only the aliases to its ALBs and its certificates’ validation records', () => {
    const acmePublic = loadBalancerName('acme', 'public');
    const acmeInternal = loadBalancerName('acme', 'internal');
    const other = loadBalancerName('other', 'public');
    const records = [
      alias('web.acme.example.com', `${acmePublic}-1.us-east-1.elb.amazonaws.com.`),
      alias('api.acme.example.com', `dualstack.internal-${acmeInternal}-2.us-east-1.elb.amazonaws.com`),
      alias('web.other.example.com', `${other}-3.us-east-1.elb.amazonaws.com`),
      cname('_a.acme.example.com', '_b.xyz.acm-validations.aws.'),
      cname('_c.other.example.com', '_d.xyz.acm-validations.aws.'),
      cname('www.acme.example.com', 'elsewhere.example.org'),
    ].flatMap((set) => asActualRecord(set) ?? []);
    const certificates = [
      { validationRecords: [{ name: '_a.acme.example.com.', value: '_b.xyz.acm-validations.aws.' }] },
    ];
    expect(tenantRecords(records, 'acme', certificates).map((r) => `${r.type} ${r.name}`)).toEqual([
      'A web.acme.example.com',
      'A api.acme.example.com',
      'CNAME _a.acme.example.com',
    ]);
  });

  it('ignores record types the edge never writes', () => {
    expect(
      asActualRecord({ Name: 'x.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '1.2.3.4' }] }),
    ).toBeUndefined();
  });
});

describe('parseTenantEdgeInputs', () => {
  const good = {
    tenant: 'acme',
    zone: { hostedZoneId: 'Z0123456789', domain: 'acme.example.com' },
    publicLoadBalancers: true,
    services: [
      {
        service: 'web',
        environment: 'production',
        visibility: 'public' as const,
        port: 8080,
        hostnames: ['web.acme.example.com'],
        health: { path: '/healthz', intervalMs: 10_000, timeoutMs: 4_000 },
        drainMs: 0,
        targets: [{ address: '10.0.0.1', port: 32768 }],
      },
    ],
  };

  it('accepts a well-formed tenant', () => {
    expect(parseTenantEdgeInputs([good])).toEqual([good]);
  });

  it.each([
    ['a tenant id that is not a DNS label', { ...good, tenant: 'Acme Corp' }, 'tenant'],
    [
      'a target that is not an IPv4 address',
      { ...good, services: [{ ...good.services[0]!, targets: [{ address: 'http://x', port: 1 }] }] },
      'services.0.targets.0.address',
    ],
    [
      'a host name with a space',
      { ...good, services: [{ ...good.services[0]!, hostnames: ['we b.acme.example.com'] }] },
      'services.0.hostnames',
    ],
    [
      'a zone id with a slash',
      { ...good, zone: { ...good.zone, hostedZoneId: '/hostedzone/Z1' } },
      'zone.hostedZoneId',
    ],
  ])('refuses %s, naming the field, and changes nothing', (_label, input, field) => {
    expect(() => parseTenantEdgeInputs([input as typeof good])).toThrow(
      expect.objectContaining({ code: 'EDGE_INVALID_ROUTE', message: expect.stringContaining(field) }),
    );
  });

  it('refuses a service listed twice in one tenant', () => {
    const twice = { ...good, services: [...good.services, ...good.services] };
    expect(() => parseTenantEdgeInputs([twice])).toThrow(/service \S+ is listed twice; nothing was changed/);
  });

  it('refuses a tenant listed twice', () => {
    expect(() => parseTenantEdgeInputs([good, good])).toThrow(/listed twice/);
  });
});
