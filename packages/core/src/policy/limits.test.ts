import { describe, expect, it } from '@jest/globals';
import type { Policy } from '../domain/policy.js';
import { evaluateBuildStart } from './evaluate-build-start.js';
import { evaluateHostJoin } from './evaluate-host-join.js';
import { evaluatePreview } from './evaluate-preview.js';
import { evaluateServiceChange, type ServiceChangeSpec } from './evaluate-service-change.js';
import type { PolicyDecision } from './policy-decision.js';

const policy: Policy = {
  tenant: 'acme',
  limits: {
    hosts: 3,
    services: 4,
    replicasPerService: 10,
    cpuMillicores: 4000,
    memoryMiB: 8192,
    concurrentBuilds: 2,
    previews: 5,
  },
  permissions: {
    publicLoadBalancers: true,
    hostVolumePaths: [],
    privileged: false,
    capabilities: [],
    allowedBuilders: ['native'],
    allowedRegistries: [],
  },
};

const web: ServiceChangeSpec = {
  name: 'web',
  replicas: 2,
  cpuMillicores: 250,
  memoryMiB: 256,
  visibility: 'public',
  builder: 'native',
};
const noUsage = { services: 0, cpuMillicores: 0, memoryMiB: 0 };

/** Each row asks for `requested` of one limit and nothing else that could be refused. */
const LIMIT_CASES: [
  string,
  keyof Policy['limits'],
  (requested: number) => PolicyDecision,
  (over: number) => string,
][] = [
  [
    'evaluateHostJoin',
    'hosts',
    (n) => evaluateHostJoin(policy, { hosts: n - 1 }),
    (n) => `hosts ${n} exceeds the tenant's limit limits.hosts = 3`,
  ],
  [
    'evaluateServiceChange (new service)',
    'services',
    (n) =>
      evaluateServiceChange(policy, { service: web, usage: { ...noUsage, services: n - 1 }, isNew: true }),
    (n) => `services ${n} exceeds the tenant's limit limits.services = 4`,
  ],
  [
    'evaluateServiceChange',
    'replicasPerService',
    (n) =>
      evaluateServiceChange(policy, {
        service: { ...web, replicas: n, cpuMillicores: 1, memoryMiB: 6 },
        usage: noUsage,
        isNew: false,
      }),
    (n) => `replicas ${n} exceeds the tenant's limit limits.replicasPerService = 10`,
  ],
  [
    'evaluateServiceChange',
    'cpuMillicores',
    (n) =>
      evaluateServiceChange(policy, {
        service: web,
        usage: { ...noUsage, cpuMillicores: n - 500 },
        isNew: false,
      }),
    (n) =>
      `cpu ${n}m (web: 2 × 250m, other services: ${n - 500}m) exceeds the tenant's limit limits.cpuMillicores = 4000m`,
  ],
  [
    'evaluateServiceChange',
    'memoryMiB',
    (n) =>
      evaluateServiceChange(policy, {
        service: web,
        usage: { ...noUsage, memoryMiB: n - 512 },
        isNew: false,
      }),
    (n) =>
      `memory ${n} MiB (web: 2 × 256 MiB, other services: ${n - 512} MiB) exceeds the tenant's limit limits.memoryMiB = 8192 MiB`,
  ],
  [
    'evaluateBuildStart',
    'concurrentBuilds',
    (n) => evaluateBuildStart(policy, { builder: 'native', runningBuilds: n - 1 }),
    (n) => `concurrent builds ${n} exceeds the tenant's limit limits.concurrentBuilds = 2`,
  ],
  [
    'evaluatePreview',
    'previews',
    (n) => evaluatePreview(policy, { previews: n - 1 }),
    (n) => `previews ${n} exceeds the tenant's limit limits.previews = 5`,
  ],
  [
    'evaluateServiceChange (new preview service)',
    'previews',
    (n) =>
      evaluateServiceChange(policy, {
        service: web,
        usage: { ...noUsage, services: 100, previews: n - 1 },
        isNew: true,
        isPreview: true,
      }),
    (n) => `previews ${n} exceeds the tenant's limit limits.previews = 5`,
  ],
];

describe('every limit', () => {
  it.each(LIMIT_CASES)('%s allows limits.%s at the limit', (_, limit, evaluate) => {
    expect(evaluate(policy.limits[limit])).toEqual({ allowed: true });
  });

  it.each(LIMIT_CASES)(
    '%s denies limits.%s one over, naming the limit and both values',
    (_, limit, evaluate, message) => {
      const over = policy.limits[limit] + 1;
      expect(evaluate(over)).toEqual({
        allowed: false,
        denials: [
          {
            policy: `limits.${limit}`,
            requested: over,
            allowed: policy.limits[limit],
            message: message(over),
          },
        ],
      });
    },
  );

  it.each(LIMIT_CASES)('%s denies limits.%s far over too', (_, limit, evaluate) => {
    const decision = evaluate(policy.limits[limit] * 3 + 7);
    expect(decision.allowed).toBe(false);
    expect(decision.allowed === false && decision.denials.map((denial) => denial.policy)).toEqual([
      `limits.${limit}`,
    ]);
  });
});

describe('limits that count things', () => {
  it('does not count an existing service against limits.services, so lowering the limit blocks no update', () => {
    expect(
      evaluateServiceChange(policy, { service: web, usage: { ...noUsage, services: 9 }, isNew: false }),
    ).toEqual({ allowed: true });
  });

  it('counts a preview service against limits.previews, not limits.services', () => {
    const decision = evaluateServiceChange(policy, {
      service: web,
      usage: { ...noUsage, services: 4, previews: 0 },
      isNew: true,
      isPreview: true,
    });
    expect(decision).toEqual({ allowed: true });
  });

  it('counts a preview without usage.previews as the first one', () => {
    const none = { ...policy, limits: { ...policy.limits, previews: 0 } };
    const decision = evaluateServiceChange(none, {
      service: web,
      usage: noUsage,
      isNew: true,
      isPreview: true,
    });
    expect(decision.allowed === false && decision.denials[0]?.message).toBe(
      "previews 1 exceeds the tenant's limit limits.previews = 0",
    );
  });

  it('allows zero replicas under a zero cpu and memory limit', () => {
    const none = { ...policy, limits: { ...policy.limits, cpuMillicores: 0, memoryMiB: 0 } };
    expect(
      evaluateServiceChange(none, { service: { ...web, replicas: 0 }, usage: noUsage, isNew: false }),
    ).toEqual({
      allowed: true,
    });
  });

  it('multiplies replicas by per-replica resources', () => {
    const decision = evaluateServiceChange(policy, {
      service: { ...web, replicas: 9, cpuMillicores: 500, memoryMiB: 1024 },
      usage: noUsage,
      isNew: false,
    });
    expect(decision.allowed === false && decision.denials.map((d) => [d.policy, d.requested])).toEqual([
      ['limits.cpuMillicores', 4500],
      ['limits.memoryMiB', 9216],
    ]);
  });
});
