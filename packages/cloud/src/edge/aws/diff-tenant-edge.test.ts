import { describe, expect, it } from '@jest/globals';
import {
  type EdgeServiceInput,
  type ObservedCertificate,
  type PlanTenantEdgeInput,
  planTenantEdge,
  type TenantEdgePlan,
} from '@slipway/core';
import fc from 'fast-check';
import type { ActualTenantEdge } from './actual-edge.js';
import { diffTenantEdge } from './diff-tenant-edge.js';
import { ACTION_ORDER, inApplyOrder } from './edge-actions.js';

const zone = { hostedZoneId: 'Z1', domain: 'acme.example.com' };
const network = { vpcId: 'vpc-1', subnets: ['subnet-a', 'subnet-b'], securityGroups: [] };

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

function plan(services: EdgeServiceInput[], extra: Partial<PlanTenantEdgeInput> = {}): TenantEdgePlan {
  const base = { tenant: 'acme', zone, publicLoadBalancers: true, network, services, certificates: [] };
  const certificates: ObservedCertificate[] = planTenantEdge(base).certificates.map((c) => ({
    key: c.key,
    arn: `arn:cert:${c.key}`,
    status: 'ISSUED',
    validationRecords: [{ name: '_v.acme.example.com', value: '_w.acm-validations.aws' }],
  }));
  return planTenantEdge({ ...base, certificates, ...extra });
}

/** What AWS would hold after applying `desired` exactly. */
function actualFrom(desired: TenantEdgePlan): ActualTenantEdge {
  const dns = (lb: string) => `${lb}-123.us-east-1.elb.amazonaws.com`;
  return {
    tenant: desired.tenant,
    loadBalancers: desired.loadBalancers.map((lb) => ({
      name: lb.name,
      arn: `arn:lb:${lb.name}`,
      scheme: lb.scheme,
      dnsName: dns(lb.name),
      canonicalHostedZoneId: 'ZELB',
      subnets: lb.subnets,
      securityGroups: lb.securityGroups,
    })),
    targetGroups: desired.targetGroups.map((g) => ({
      name: g.name,
      arn: `arn:tg:${g.name}`,
      port: g.port,
      vpcId: g.vpcId,
      healthCheck: g.healthCheck,
      deregistrationDelaySeconds: g.deregistrationDelaySeconds,
      targets: g.targets,
      drainingTargets: 0,
    })),
    listeners: desired.listeners.map((l) => ({
      loadBalancer: l.loadBalancer,
      arn: `arn:listener:${l.loadBalancer}:${l.port}`,
      port: l.port,
      protocol: l.protocol,
      action: l.action,
      certificateArns: l.certificateArns,
    })),
    rules: desired.rules.map((r) => ({
      loadBalancer: r.loadBalancer,
      listenerPort: r.listenerPort,
      arn: `arn:rule:${r.hostname}`,
      priority: r.priority,
      hostnames: [r.hostname],
      targetGroup: r.targetGroup,
    })),
    certificates: desired.certificates.map((c) => ({
      key: c.key,
      arn: `arn:cert:${c.key}`,
      domains: c.domains,
      status: 'ISSUED',
      validationRecords: [{ name: '_v.acme.example.com', value: '_w.acm-validations.aws' }],
    })),
    records: desired.records.map((r) =>
      r.kind === 'alias'
        ? {
            name: r.name,
            type: 'A' as const,
            target: dns(r.loadBalancer).toLowerCase(),
            raw: { Name: `${r.name}.`, Type: 'A' as const },
          }
        : {
            name: r.name,
            type: 'CNAME' as const,
            target: r.value,
            raw: { Name: `${r.name}.`, Type: 'CNAME' as const },
          },
    ),
  };
}

const kinds = (p: TenantEdgePlan, a: ActualTenantEdge) =>
  inApplyOrder(diffTenantEdge(p, a)).map((x) => x.kind);

describe('diffTenantEdge', () => {
  it('nothing to do when AWS holds the plan', () => {
    const desired = plan([service('web'), service('api', { visibility: 'internal' })]);
    expect(diffTenantEdge(desired, actualFrom(desired))).toEqual([]);
  });

  it('from nothing: everything made, in the safe order', () => {
    const desired = plan([service('web')]);
    const empty = { ...actualFrom(plan([])), certificates: actualFrom(desired).certificates };
    expect(kinds(desired, empty)).toEqual([
      'create-target-group',
      'register-targets',
      'create-load-balancer',
      'create-listener',
      'create-listener',
      'create-rule',
      'upsert-records',
    ]);
  });

  it('scaling registers the new targets and deregisters the gone ones, nothing else', () => {
    const before = plan([service('web')]);
    const after = plan([service('web', { targets: [{ address: '10.0.1.6', port: 32769 }] })]);
    expect(diffTenantEdge(after, actualFrom(before))).toEqual([
      {
        kind: 'register-targets',
        targetGroup: before.targetGroups[0]!.name,
        targets: [{ address: '10.0.1.6', port: 32769 }],
      },
      {
        kind: 'deregister-targets',
        targetGroup: before.targetGroups[0]!.name,
        targets: [{ address: '10.0.1.5', port: 32768 }],
      },
    ]);
  });

  it('a deleted service: rule and record go, targets are deregistered; the group goes once drained', () => {
    const before = plan([service('web'), service('api')]);
    const after = plan([service('web')]);
    const actual = actualFrom(before);
    expect(kinds(after, actual)).toEqual(['delete-rules', 'delete-records', 'deregister-targets']);
    const api = actual.targetGroups.find(
      (g) => g.name === before.targetGroups.find((x) => x.service === 'api')!.name,
    )!;
    const drained = {
      ...actual,
      rules: actual.rules.filter((r) => !r.hostnames[0]!.startsWith('api.')),
      records: actual.records.filter((r) => !r.name.startsWith('api.')),
      targetGroups: actual.targetGroups.map((g) =>
        g === api ? { ...g, targets: [], drainingTargets: 1 } : g,
      ),
    };
    expect(kinds(after, drained)).toEqual([]);
    const gone = {
      ...drained,
      targetGroups: drained.targetGroups.map((g) => (g.name === api.name ? { ...g, drainingTargets: 0 } : g)),
    };
    expect(diffTenantEdge(after, gone)).toEqual([
      { kind: 'delete-target-group', name: api.name, arn: api.arn },
    ]);
  });

  it('no services left: everything of the tenant is deleted (a load balancer takes its listeners and rules)', () => {
    const before = plan([service('web')]);
    const actual = actualFrom(before);
    actual.targetGroups = actual.targetGroups.map((g) => ({ ...g, targets: [] }));
    expect(kinds(plan([]), actual)).toEqual([
      'delete-records',
      'delete-load-balancer',
      'delete-target-group',
      'delete-certificate',
    ]);
  });

  it('a scheme change deletes the load balancer this pass and makes it again the next', () => {
    const before = plan([service('web')]);
    const after = plan([service('web')], { publicLoadBalancers: false });
    const actual = actualFrom(before);
    // Public → internal is a different load balancer name, so the new one is made at once.
    expect(kinds(after, actual)).toEqual(
      expect.arrayContaining(['create-load-balancer', 'upsert-records', 'delete-load-balancer']),
    );
    // Same name with another scheme (made by hand): deleted, nothing under it touched this pass.
    const odd = actualFrom(before);
    odd.loadBalancers[0]!.scheme = 'internal';
    expect(kinds(before, odd)).toEqual(['delete-load-balancer']);
  });

  it('a changed health check, drain time, subnet or certificate is modified in place', () => {
    const before = plan([service('web')]);
    const after = plan(
      [service('web', { health: { path: '/ready', intervalMs: 10_000, timeoutMs: 4_000 }, drainMs: 5_000 })],
      {
        network: { ...network, subnets: ['subnet-a', 'subnet-c'] },
      },
    );
    expect(kinds(after, actualFrom(before))).toEqual([
      'modify-health-check',
      'set-deregistration-delay',
      'set-subnets',
    ]);
    const actual = actualFrom(before);
    actual.listeners = actual.listeners.map((l) =>
      l.protocol === 'HTTPS' ? { ...l, certificateArns: ['arn:old', 'arn:extra'] } : l,
    );
    expect(kinds(before, actual)).toEqual(['modify-listener', 'remove-listener-certificates']);
  });

  it('a rule whose priority or target group drifted is moved, not recreated; a foreign rule is deleted', () => {
    const desired = plan([service('web')]);
    const actual = actualFrom(desired);
    actual.rules = [
      { ...actual.rules[0]!, priority: actual.rules[0]!.priority + 1, targetGroup: 'slw-other' },
      { ...actual.rules[0]!, arn: 'arn:rule:foreign', hostnames: ['x.acme.example.com'], priority: 1 },
    ];
    expect(kinds(desired, actual)).toEqual(['delete-rules', 'set-rule-priorities', 'modify-rule']);
  });

  it('an issued certificate the plan retains (its replacement pending) is not deleted', () => {
    const desired = plan([service('web')]);
    const actual = actualFrom(desired);
    actual.certificates.push({ ...actual.certificates[0]!, key: 'old-set', arn: 'arn:cert:old' });
    expect(diffTenantEdge(desired, actual)).toEqual([{ kind: 'delete-certificate', arn: 'arn:cert:old' }]);
    expect(diffTenantEdge({ ...desired, retainedCertificateArns: ['arn:cert:old'] }, actual)).toEqual([]);
  });

  it('a pending duplicate certificate of a set is deleted, the issued one kept', () => {
    const desired = plan([service('web')]);
    const actual = actualFrom(desired);
    actual.certificates.push({
      ...actual.certificates[0]!,
      arn: 'arn:cert:dup',
      status: 'PENDING_VALIDATION',
    });
    expect(diffTenantEdge(desired, actual)).toEqual([{ kind: 'delete-certificate', arn: 'arn:cert:dup' }]);
  });

  it('(property) from any other plan’s state: only missing groups made, only unwanted ones deleted, and a plan held is a fixed point', () => {
    const services = fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('web', 'api', 'docs', 'admin'),
        visibility: fc.constantFrom('public' as const, 'internal' as const),
        targets: fc.array(
          fc.record({
            address: fc.constantFrom('10.0.0.1', '10.0.0.2'),
            port: fc.integer({ min: 30000, max: 30003 }),
          }),
          { maxLength: 3 },
        ),
      }),
      { selector: (s) => s.name, maxLength: 4 },
    );
    fc.assert(
      fc.property(services, services, fc.boolean(), (a, b, publicLoadBalancers) => {
        const toInput = (list: typeof a) =>
          list.map((s) => service(s.name, { visibility: s.visibility, targets: s.targets }));
        const desired = plan(toInput(b), { publicLoadBalancers });
        const start = actualFrom(plan(toInput(a)));
        const actions = diffTenantEdge(desired, start);
        const wanted = new Set(desired.targetGroups.map((g) => g.name));
        const had = new Set(start.targetGroups.map((g) => g.name));
        for (const action of actions) {
          expect(ACTION_ORDER).toContain(action.kind);
          if (action.kind === 'create-target-group') expect(had.has(action.group.name)).toBe(false);
          if (action.kind === 'delete-target-group') expect(wanted.has(action.name)).toBe(false);
          if (action.kind === 'create-load-balancer' && action.loadBalancer.scheme === 'internet-facing')
            expect(publicLoadBalancers).toBe(true);
        }
        // Whatever the start, AWS holding the plan means nothing more to do.
        expect(diffTenantEdge(desired, actualFrom(desired))).toEqual([]);
      }),
    );
  });
});
