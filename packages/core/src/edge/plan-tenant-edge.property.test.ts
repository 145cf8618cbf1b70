import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DNS_LABEL_PATTERN } from '../domain/names.js';
import { MAX_ELB_NAME_LENGTH } from './edge-names.js';
import { planTenantEdge } from './plan-tenant-edge.js';
import type { EdgeServiceInput, ObservedCertificate, PlanTenantEdgeInput } from './tenant-edge.js';

const label = fc.stringMatching(DNS_LABEL_PATTERN).filter((s) => s.length <= 63);
const ELB_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

const serviceArb = (domain: string): fc.Arbitrary<EdgeServiceInput> =>
  fc.record({
    service: label,
    environment: fc.constantFrom('production', 'staging', 'pr-12'),
    visibility: fc.constantFrom('public' as const, 'internal' as const),
    port: fc.integer({ min: 1, max: 65535 }),
    hostnames: fc.array(
      fc.oneof(
        label.map((l) => `${l}.${domain}`),
        fc.tuple(label, label).map(([a, b]) => `${a}.${b}.${domain}`),
        fc.constant(domain),
        fc.constant('www.elsewhere.org'),
      ),
      { maxLength: 3 },
    ),
    health: fc
      .tuple(fc.integer({ min: 1, max: 400_000 }), fc.integer({ min: 1, max: 400_000 }))
      .map(([a, b]) => ({ path: '/h', intervalMs: Math.max(a, b) + 1, timeoutMs: Math.min(a, b) })),
    drainMs: fc.integer({ min: 0, max: 10_000_000 }),
    targets: fc.array(
      fc.record({
        address: fc.ipV4(),
        port: fc.integer({ min: 1, max: 65535 }),
      }),
      { maxLength: 4 },
    ),
    extraPorts: fc.array(
      fc.record({
        listenerPort: fc.constantFrom(80, 443, 1883, 8443, 9000),
        protocol: fc.constantFrom('HTTP' as const, 'HTTPS' as const),
        containerPort: fc.integer({ min: 1, max: 65535 }),
        targets: fc.constant([]),
      }),
      { maxLength: 2 },
    ),
  });

const inputArb: fc.Arbitrary<PlanTenantEdgeInput> = fc
  .tuple(label, label, fc.boolean(), fc.boolean())
  .chain(([tenant, zoneLabel, publicLoadBalancers, certsIssued]) => {
    const domain = `${zoneLabel}.example.com`;
    // A tenant's services are unique by environment and name (their key in the state store).
    const unique = {
      maxLength: 8,
      selector: (s: { environment: string; service: string }) => `${s.environment}/${s.service}`,
    };
    return fc.uniqueArray(serviceArb(domain), unique).map((services) => {
      const base: PlanTenantEdgeInput = {
        tenant,
        zone: { hostedZoneId: 'Z1', domain },
        publicLoadBalancers,
        network: { vpcId: 'vpc-1', subnets: ['subnet-a', 'subnet-b'], securityGroups: [] },
        services,
        certificates: [],
      };
      if (!certsIssued) return base;
      const certificates: ObservedCertificate[] = planTenantEdge(base).certificates.map((c, i) => ({
        key: c.key,
        arn: `arn:cert/${i}`,
        status: 'ISSUED',
        validationRecords: [],
      }));
      return { ...base, certificates };
    });
  });

describe('planTenantEdge (properties)', () => {
  it('is deterministic and does not depend on the order of services', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planTenantEdge(input);
        expect(planTenantEdge(structuredClone(input))).toEqual(plan);
        // Host-name ownership goes by service order, so only inputs without shared names are order-free.
        const names = input.services.flatMap((s) => s.hostnames);
        const ports = input.services.flatMap((s) => (s.extraPorts ?? []).map((p) => p.listenerPort));
        const keys = input.services.map((s) => `${s.environment}/${s.service}`);
        if (
          new Set(names).size === names.length &&
          new Set(ports).size === ports.length &&
          new Set(keys).size === keys.length
        )
          expect(planTenantEdge({ ...input, services: [...input.services].reverse() })).toEqual(plan);
      }),
    );
  });

  it('gives every ELBv2 resource a unique, valid name of at most 32 characters', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planTenantEdge(input);
        const lbNames = plan.loadBalancers.map((lb) => lb.name);
        const tgNames = plan.targetGroups.map((g) => g.name);
        for (const name of [...lbNames, ...tgNames]) {
          expect(name.length).toBeLessThanOrEqual(MAX_ELB_NAME_LENGTH);
          expect(name).toMatch(ELB_NAME);
          expect(name.startsWith('internal-')).toBe(false);
        }
        expect(new Set(lbNames).size).toBe(lbNames.length);
        expect(new Set(tgNames).size).toBe(tgNames.length);
      }),
    );
  });

  it('never plans an internet-facing load balancer without the permission, nor for internal services alone', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planTenantEdge(input);
        const publicAsked = input.services.some((s) => s.visibility === 'public');
        const internetFacing = plan.loadBalancers.filter((lb) => lb.scheme === 'internet-facing');
        if (!input.publicLoadBalancers || !publicAsked) expect(internetFacing).toEqual([]);
        if (!input.publicLoadBalancers && publicAsked)
          expect(plan.refusals.some((r) => r.denial?.policy === 'permissions.publicLoadBalancers')).toBe(
            true,
          );
        // Nothing of an internal service hangs off the internet-facing ALB.
        const facing = new Set(internetFacing.map((lb) => lb.name));
        for (const group of plan.targetGroups) {
          const asked = input.services.find(
            (s) => s.service === group.service && s.environment === group.environment,
          );
          if (asked?.visibility === 'internal') expect(facing.has(group.loadBalancer)).toBe(false);
        }
      }),
    );
  });

  it('tags every resource with the tenant and managed=true; rule priorities are unique per listener and in range', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planTenantEdge(input);
        const tagged = [
          ...plan.loadBalancers,
          ...plan.targetGroups,
          ...plan.listeners,
          ...plan.rules,
          ...plan.certificates,
        ];
        for (const resource of tagged)
          expect(resource.tags).toMatchObject({ 'slipway:managed': 'true', 'slipway:tenant': input.tenant });
        for (const resource of [...plan.targetGroups, ...plan.rules])
          expect(resource.tags['slipway:service']).toBeDefined();
        const seen = new Set<string>();
        for (const rule of plan.rules) {
          expect(rule.priority).toBeGreaterThanOrEqual(1);
          expect(rule.priority).toBeLessThanOrEqual(50_000);
          const key = `${rule.loadBalancer}:${rule.listenerPort}:${rule.priority}`;
          expect(seen.has(key)).toBe(false);
          seen.add(key);
        }
        // Every routed host name is in the zone and has exactly one alias record.
        const aliases = plan.records.filter((r) => r.kind === 'alias').map((r) => r.name);
        expect(new Set(aliases).size).toBe(aliases.length);
        for (const name of aliases)
          expect(name === input.zone.domain || name.endsWith(`.${input.zone.domain}`)).toBe(true);
      }),
    );
  });
});
