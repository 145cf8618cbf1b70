import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { type Policy, type PolicyLimits, policySchema } from '../domain/policy.js';
import { BUILDERS } from '../domain/workload.js';
import type { ContainerSpec } from './container-denials.js';
import { evaluateBuildStart } from './evaluate-build-start.js';
import { evaluateContainerSpec } from './evaluate-container-spec.js';
import { evaluateHostJoin } from './evaluate-host-join.js';
import { evaluatePreview } from './evaluate-preview.js';
import { evaluateServiceChange, type ServiceChange } from './evaluate-service-change.js';
import { normaliseHostPath } from './host-path.js';
import { isLooserOrEqual } from './is-looser-or-equal.js';
import type { PolicyDecision } from './policy-decision.js';

const platformRegistries = ['127.0.0.1:5000'];
const LIMIT_KEYS: (keyof PolicyLimits)[] = [
  'hosts',
  'services',
  'replicasPerService',
  'cpuMillicores',
  'memoryMiB',
  'concurrentBuilds',
  'previews',
];

// Small pools, so that generated changes and policies often meet: the interesting cases are
// a path at, under and beside a prefix, a capability in two spellings, a registry in two cases.
const PATH_PREFIXES = ['/', '/data', '/data/app', '/database', '/var/log', '/srv/', '/opt/x/..', '/..'];
const VOLUMES = [
  '/data',
  '/data/app/x',
  '/database',
  '/var/log/app',
  '/etc',
  '/srv/a//b',
  'data/x',
  '/data/../etc',
  '/../x',
];
const CAPABILITIES = ['NET_ADMIN', 'SYS_TIME', 'CHOWN', 'ALL'];
const ASKED_CAPABILITIES = [...CAPABILITIES, 'cap_net_admin', 'chown'];
const REGISTRIES = ['docker.io', 'ghcr.io', 'quay.io', 'localhost:5000', 'registry.example.com'];
const IMAGES = [
  'nginx',
  'library/nginx:1',
  'ghcr.io/a/b:1',
  'GHCR.io/a/b',
  'quay.io/x/y',
  'localhost:5000/x',
  `127.0.0.1:5000/acme/web@sha256:${'a'.repeat(64)}`,
  'registry.example.com/x',
];

const policyArb: fc.Arbitrary<Policy> = fc.record({
  tenant: fc.constant('acme'),
  limits: fc.record({
    hosts: fc.nat(12),
    services: fc.nat(25),
    replicasPerService: fc.nat(12),
    cpuMillicores: fc.nat(20_000),
    memoryMiB: fc.nat(40_000),
    concurrentBuilds: fc.nat(4),
    previews: fc.nat(6),
  }),
  permissions: fc.record({
    publicLoadBalancers: fc.boolean(),
    hostVolumePaths: fc.subarray(PATH_PREFIXES),
    privileged: fc.boolean(),
    capabilities: fc.subarray(CAPABILITIES),
    allowedBuilders: fc.subarray([...BUILDERS]),
    allowedRegistries: fc.subarray(REGISTRIES),
  }),
});

/** The parent folders of a path, and itself: a looser policy may allow a whole parent. */
function coveringPrefixes(path: string): string[] {
  const segments = path.split('/').filter(Boolean);
  return segments.map((_, i) => `/${segments.slice(0, i).join('/')}`).concat(path);
}

/** A policy that allows at least what `policy` allows: higher limits, more permissions, wider lists. */
function looserArb(policy: Policy): fc.Arbitrary<Policy> {
  const { limits, permissions: p } = policy;
  const raised = Object.fromEntries(
    LIMIT_KEYS.map((key) => [
      key,
      fc
        .nat(5)
        .map((extra) => limits[key] + extra * (key.endsWith('MiB') || key.startsWith('cpu') ? 1000 : 1)),
    ]),
  ) as Record<keyof PolicyLimits, fc.Arbitrary<number>>;
  // A prefix that cannot be normalised (`/..`) allows nothing, so it need not be kept.
  const validPrefixes = p.hostVolumePaths.flatMap((path) => {
    const normalised = normaliseHostPath(path);
    return normalised.ok ? [{ path, parents: coveringPrefixes(normalised.path) }] : [];
  });
  return fc.record({
    tenant: fc.constant(policy.tenant),
    limits: fc.record(raised),
    permissions: fc.record({
      publicLoadBalancers: p.publicLoadBalancers ? fc.constant(true) : fc.boolean(),
      privileged: p.privileged ? fc.constant(true) : fc.boolean(),
      hostVolumePaths: fc
        .tuple(
          // Each prefix kept, or replaced by one of its parents, which covers it.
          fc.tuple(...validPrefixes.map(({ path, parents }) => fc.constantFrom(path, ...parents))),
          fc.subarray(PATH_PREFIXES),
        )
        .map(([kept, added]) => [...kept, ...added]),
      capabilities: fc.oneof(
        fc.subarray(CAPABILITIES).map((added) => [...p.capabilities, ...added]),
        fc.constant<string[]>(['ALL']),
      ),
      allowedBuilders: fc
        .subarray([...BUILDERS])
        .map((added) => [...new Set([...p.allowedBuilders, ...added])]),
      allowedRegistries: fc
        .tuple(
          fc.tuple(
            ...p.allowedRegistries.map((registry) => fc.constantFrom(registry, registry.toUpperCase())),
          ),
          fc.subarray(REGISTRIES),
        )
        .map(([kept, added]) => [...kept, ...added]),
    }),
  });
}

const containerArb: fc.Arbitrary<ContainerSpec> = fc.record(
  {
    image: fc.constantFrom(...IMAGES),
    privileged: fc.boolean(),
    capabilities: fc.subarray(ASKED_CAPABILITIES, { maxLength: 2 }),
    hostVolumes: fc.subarray(VOLUMES, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const serviceChangeArb: fc.Arbitrary<ServiceChange> = fc.record(
  {
    service: fc
      .tuple(
        fc.record({
          name: fc.constant('web'),
          replicas: fc.nat(12),
          cpuMillicores: fc.integer({ min: 1, max: 2000 }),
          memoryMiB: fc.integer({ min: 6, max: 4096 }),
          visibility: fc.constantFrom('public', 'internal'),
        }),
        fc.option(fc.constantFrom(...BUILDERS), { nil: undefined }),
        containerArb,
      )
      .map(([service, builder, container]) => ({
        ...service,
        ...container,
        ...(builder ? { builder } : {}),
      })),
    usage: fc.record(
      { services: fc.nat(25), cpuMillicores: fc.nat(20_000), memoryMiB: fc.nat(40_000), previews: fc.nat(6) },
      { requiredKeys: ['services', 'cpuMillicores', 'memoryMiB'] },
    ),
    isNew: fc.boolean(),
    isPreview: fc.boolean(),
  },
  { requiredKeys: ['service', 'usage', 'isNew'] },
);

/** Every evaluator, as one function of a policy and one generated request. */
type Request =
  | { kind: 'service'; change: ServiceChange }
  | { kind: 'container'; spec: ContainerSpec }
  | { kind: 'host'; hosts: number }
  | { kind: 'build'; builder: (typeof BUILDERS)[number]; runningBuilds: number }
  | { kind: 'preview'; previews: number };

const requestArb: fc.Arbitrary<Request> = fc.oneof(
  { weight: 4, arbitrary: serviceChangeArb.map((change) => ({ kind: 'service' as const, change })) },
  { weight: 2, arbitrary: containerArb.map((spec) => ({ kind: 'container' as const, spec })) },
  fc.nat(14).map((hosts) => ({ kind: 'host' as const, hosts })),
  fc
    .record({ builder: fc.constantFrom(...BUILDERS), runningBuilds: fc.nat(5) })
    .map((build) => ({ kind: 'build' as const, ...build })),
  fc.nat(8).map((previews) => ({ kind: 'preview' as const, previews })),
);

function evaluate(policy: Policy, request: Request): PolicyDecision {
  switch (request.kind) {
    case 'service':
      return evaluateServiceChange(policy, request.change, { platformRegistries });
    case 'container':
      return evaluateContainerSpec(policy, request.spec, { platformRegistries });
    case 'host':
      return evaluateHostJoin(policy, request);
    case 'build':
      return evaluateBuildStart(policy, request);
    case 'preview':
      return evaluatePreview(policy, request);
  }
}

/** The denials as comparable keys: which setting refused what. */
function denialKeys(decision: PolicyDecision): string[] {
  return decision.allowed ? [] : decision.denials.map((d) => `${d.policy} ${JSON.stringify(d.requested)}`);
}

const stricterAndLooser = policyArb.chain((strict) => looserArb(strict).map((loose) => ({ strict, loose })));

describe('policy evaluation is monotonic in the policy', () => {
  it('generates valid looser policies', () => {
    fc.assert(
      fc.property(stricterAndLooser, ({ strict, loose }) => {
        expect(policySchema.safeParse(loose).success).toBe(true);
        expect(isLooserOrEqual(strict, loose)).toBe(true);
        expect(isLooserOrEqual(strict, strict)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('(a) what a policy accepts, every looser-or-equal policy accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(stricterAndLooser, requestArb, ({ strict, loose }, request) => {
        if (!evaluate(strict, request).allowed) return;
        accepted += 1;
        expect(evaluate(loose, request)).toEqual({ allowed: true });
      }),
      { numRuns: 3000 },
    );
    // The property means little unless many generated requests were accepted in the first place.
    expect(accepted).toBeGreaterThan(300);
  });

  it('(b) what a policy denies, every stricter policy denies too, for at least the same reasons', () => {
    let denied = 0;
    fc.assert(
      fc.property(stricterAndLooser, requestArb, ({ strict, loose }, request) => {
        const looseDenials = denialKeys(evaluate(loose, request));
        if (looseDenials.length === 0) return;
        denied += 1;
        const strictDecision = evaluate(strict, request);
        expect(strictDecision.allowed).toBe(false);
        expect(denialKeys(strictDecision)).toEqual(expect.arrayContaining(looseDenials));
      }),
      { numRuns: 3000 },
    );
    expect(denied).toBeGreaterThan(300);
  });
});

// Anything the schemas allow, and strings a container spec on a host might hold.
const anyPolicyArb: fc.Arbitrary<Policy> = fc.record({
  tenant: fc.stringMatching(/^[a-z](?:[a-z0-9-]{0,10}[a-z0-9])?$/),
  limits: fc.record(
    Object.fromEntries(LIMIT_KEYS.map((key) => [key, fc.nat()])) as Record<
      keyof PolicyLimits,
      fc.Arbitrary<number>
    >,
  ),
  permissions: fc.record({
    publicLoadBalancers: fc.boolean(),
    hostVolumePaths: fc.array(fc.oneof(fc.stringMatching(/^\/\S{0,20}$/), fc.constantFrom(...PATH_PREFIXES))),
    privileged: fc.boolean(),
    capabilities: fc.array(fc.stringMatching(/^[A-Z][A-Z_]{0,15}$/)),
    allowedBuilders: fc.subarray([...BUILDERS]),
    allowedRegistries: fc.array(fc.string({ minLength: 1, maxLength: 40 })),
  }),
});
const anyContainerArb: fc.Arbitrary<ContainerSpec> = fc.record(
  {
    image: fc.oneof(fc.string(), fc.constantFrom(...IMAGES)),
    privileged: fc.boolean(),
    capabilities: fc.array(fc.string()),
    hostVolumes: fc.array(fc.oneof(fc.string(), fc.constantFrom(...VOLUMES))),
  },
  { requiredKeys: [] },
);
const anyRequestArb: fc.Arbitrary<Request> = fc.oneof(
  fc
    .record({
      service: fc
        .tuple(
          fc.record({
            name: fc.string(),
            replicas: fc.nat(),
            cpuMillicores: fc.integer({ min: 1, max: 1_000_000 }),
            memoryMiB: fc.integer({ min: 6, max: 10_000_000 }),
            visibility: fc.constantFrom('public' as const, 'internal' as const),
          }),
          anyContainerArb,
        )
        .map(([service, container]) => ({ ...service, ...container })),
      usage: fc.record({
        services: fc.nat(),
        cpuMillicores: fc.nat(),
        memoryMiB: fc.nat(),
        previews: fc.nat(),
      }),
      isNew: fc.boolean(),
      isPreview: fc.boolean(),
    })
    .map((change) => ({ kind: 'service' as const, change })),
  anyContainerArb.map((spec) => ({ kind: 'container' as const, spec })),
  fc.nat().map((hosts) => ({ kind: 'host' as const, hosts })),
  fc
    .record({ builder: fc.constantFrom(...BUILDERS), runningBuilds: fc.nat() })
    .map((build) => ({ kind: 'build' as const, ...build })),
  fc.nat().map((previews) => ({ kind: 'preview' as const, previews })),
);

describe('policy evaluation never throws', () => {
  it('(c) answers every valid policy and request with a well-formed decision', () => {
    fc.assert(
      fc.property(anyPolicyArb, anyRequestArb, (policy, request) => {
        expect(policySchema.safeParse(policy).success).toBe(true);
        const decision = evaluate(policy, request);
        if (decision.allowed) {
          expect(decision).toEqual({ allowed: true });
          return;
        }
        expect(decision.denials.length).toBeGreaterThan(0);
        for (const denial of decision.denials) {
          const [section, key] = denial.policy.split('.') as ['limits' | 'permissions', string];
          // `allowed` is the value of the setting the denial names.
          expect(denial.allowed).toEqual((policy[section] as Record<string, unknown>)[key]);
          expect(denial.message).toContain(denial.policy);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
