import { describe, expect, it } from '@jest/globals';
import type { Policy, PolicyPermissions } from '../domain/policy.js';
import { evaluateBuildStart } from './evaluate-build-start.js';
import { evaluateContainerSpec } from './evaluate-container-spec.js';
import { evaluateServiceChange, type ServiceChangeSpec } from './evaluate-service-change.js';
import type { PolicyDenial } from './policy-decision.js';

const strict: Policy = {
  tenant: 'acme',
  limits: {
    hosts: 10,
    services: 20,
    replicasPerService: 10,
    cpuMillicores: 16_000,
    memoryMiB: 32_768,
    concurrentBuilds: 2,
    previews: 5,
  },
  permissions: {
    publicLoadBalancers: false,
    hostVolumePaths: ['/data', '/var/log'],
    privileged: false,
    capabilities: [],
    allowedBuilders: ['native'],
    allowedRegistries: [],
  },
};
const platformRegistries = ['127.0.0.1:5000'];

const internal: ServiceChangeSpec = {
  name: 'web',
  replicas: 1,
  cpuMillicores: 250,
  memoryMiB: 256,
  visibility: 'internal',
};
const usage = { services: 0, cpuMillicores: 0, memoryMiB: 0 };

function withPermissions(permissions: Partial<PolicyPermissions>): Policy {
  return { ...strict, permissions: { ...strict.permissions, ...permissions } };
}

function evaluate(policy: Policy, service: Partial<ServiceChangeSpec>) {
  return evaluateServiceChange(
    policy,
    { service: { ...internal, ...service }, usage, isNew: true },
    { platformRegistries },
  );
}

/** [permission, what the service asks, the permission that grants it, the denial under `strict`] */
const PERMISSION_CASES: [
  keyof PolicyPermissions,
  Partial<ServiceChangeSpec>,
  Partial<PolicyPermissions>,
  PolicyDenial,
][] = [
  [
    'publicLoadBalancers',
    { visibility: 'public' },
    { publicLoadBalancers: true },
    {
      policy: 'permissions.publicLoadBalancers',
      requested: 'public',
      allowed: false,
      message:
        'public services are not allowed (permissions.publicLoadBalancers = false); make web visibility: internal',
    },
  ],
  [
    'privileged',
    { privileged: true },
    { privileged: true },
    {
      policy: 'permissions.privileged',
      requested: true,
      allowed: false,
      message: 'privileged containers are not allowed (permissions.privileged = false)',
    },
  ],
  [
    'capabilities',
    { capabilities: ['NET_ADMIN'] },
    { capabilities: ['NET_ADMIN'] },
    {
      policy: 'permissions.capabilities',
      requested: 'NET_ADMIN',
      allowed: [],
      message: 'capability NET_ADMIN is not in permissions.capabilities (none)',
    },
  ],
  [
    'hostVolumePaths',
    { hostVolumes: ['/etc'] },
    { hostVolumePaths: ['/data', '/var/log', '/etc'] },
    {
      policy: 'permissions.hostVolumePaths',
      requested: '/etc',
      allowed: ['/data', '/var/log'],
      message: 'host path /etc is outside permissions.hostVolumePaths (/data, /var/log)',
    },
  ],
  [
    'allowedBuilders',
    { builder: 'circleci' },
    { allowedBuilders: ['native', 'circleci'] },
    {
      policy: 'permissions.allowedBuilders',
      requested: 'circleci',
      allowed: ['native'],
      message: 'builder circleci is not in permissions.allowedBuilders (native)',
    },
  ],
  [
    'allowedRegistries',
    { image: 'ghcr.io/a/b:1' },
    { allowedRegistries: ['ghcr.io'] },
    {
      policy: 'permissions.allowedRegistries',
      requested: 'ghcr.io',
      allowed: [],
      message:
        "image ghcr.io/a/b:1 comes from registry ghcr.io, which is not in permissions.allowedRegistries (none); push it to the platform's registry (127.0.0.1:5000) or ask an admin to allow ghcr.io",
    },
  ],
];

describe('every permission', () => {
  it.each(PERMISSION_CASES)('permissions.%s denies what it does not grant', (_, asks, __, denial) => {
    expect(evaluate(strict, asks)).toEqual({ allowed: false, denials: [denial] });
  });

  it.each(PERMISSION_CASES)('permissions.%s allows it once granted', (_, asks, grant) => {
    expect(evaluate(withPermissions(grant), asks)).toEqual({ allowed: true });
  });

  it('allows the safe default: internal, unprivileged, built natively, no capabilities or volumes', () => {
    expect(
      evaluate(strict, { builder: 'native', privileged: false, capabilities: [], hostVolumes: [] }),
    ).toEqual({
      allowed: true,
    });
  });
});

describe('several denials at once', () => {
  it('lists every denial, limits first, in a stable order', () => {
    const decision = evaluateServiceChange(
      strict,
      {
        service: {
          name: 'web',
          replicas: 11,
          cpuMillicores: 2000,
          memoryMiB: 4096,
          visibility: 'public',
          builder: 'circleci',
          image: 'quay.io/x/y',
          privileged: true,
          capabilities: ['NET_ADMIN', 'SYS_TIME'],
          hostVolumes: ['/data/ok', '/etc', '/database'],
        },
        usage: { services: 20, cpuMillicores: 0, memoryMiB: 0 },
        isNew: true,
      },
      { platformRegistries },
    );
    expect(decision.allowed === false && decision.denials.map((d) => [d.policy, d.requested])).toEqual([
      ['limits.services', 21],
      ['limits.replicasPerService', 11],
      ['limits.cpuMillicores', 22_000],
      ['limits.memoryMiB', 45_056],
      ['permissions.publicLoadBalancers', 'public'],
      ['permissions.allowedBuilders', 'circleci'],
      ['permissions.allowedRegistries', 'quay.io'],
      ['permissions.privileged', true],
      ['permissions.capabilities', 'NET_ADMIN'],
      ['permissions.capabilities', 'SYS_TIME'],
      ['permissions.hostVolumePaths', '/etc'],
      ['permissions.hostVolumePaths', '/database'],
    ]);
  });

  it('gives the value of the named policy setting as `allowed`', () => {
    const decision = evaluate(strict, { hostVolumes: ['/x'], capabilities: ['CHOWN'], image: 'nginx' });
    expect(decision.allowed).toBe(false);
    for (const denial of decision.allowed ? [] : decision.denials) {
      const [section, key] = denial.policy.split('.') as ['permissions', keyof PolicyPermissions];
      expect(denial.allowed).toEqual(strict[section][key]);
    }
  });
});

describe('capabilities', () => {
  it.each([
    ['cap_net_admin', ['NET_ADMIN'], true],
    ['CAP_NET_ADMIN', ['NET_ADMIN'], true],
    ['net_admin', ['NET_ADMIN'], true],
    ['SYS_ADMIN', ['ALL'], true],
    ['ALL', ['NET_ADMIN', 'SYS_ADMIN'], false],
    ['ALL', ['ALL'], true],
    ['NET_RAW', ['NET_ADMIN'], false],
  ])('%s under %j: allowed %s', (capability, capabilities, allowed) => {
    expect(evaluate(withPermissions({ capabilities }), { capabilities: [capability] }).allowed).toBe(allowed);
  });

  it('denies a capability once however often it is asked for', () => {
    const decision = evaluate(strict, { capabilities: ['NET_ADMIN', 'cap_net_admin', 'NET_ADMIN'] });
    expect(decision.allowed === false && decision.denials).toHaveLength(1);
  });
});

describe('host volumes', () => {
  it.each([
    ['/data', true],
    ['/data/', true],
    ['/data/app/logs', true],
    ['/var/log/app', true],
    ['/data/../data/x', true],
    ['/database', false],
    ['/var/logs', false],
    ['/data/../etc', false],
    ['/', false],
  ])('%s under /data and /var/log: allowed %s', (path, allowed) => {
    expect(evaluate(strict, { hostVolumes: [path] }).allowed).toBe(allowed);
  });

  it.each([
    ['data/x', 'host path data/x is not absolute; give a path starting with / inside'],
    ['./data', 'host path ./data is not absolute; give a path starting with / inside'],
    ['', 'host path  is not absolute; give a path starting with / inside'],
    ['/../data', "host path /../data climbs above / with '..'; give a path inside"],
    ['/data/../../data', "host path /data/../../data climbs above / with '..'; give a path inside"],
    [
      '/data/a\0b',
      'host path "/data/a\\u0000b" contains a NUL byte or a backslash; give a plain path inside',
    ],
    [
      '/data\\..\\etc',
      'host path "/data\\\\..\\\\etc" contains a NUL byte or a backslash; give a plain path inside',
    ],
  ])('refuses %j and says why', (path, message) => {
    const decision = evaluate(strict, { hostVolumes: [path] });
    expect(decision.allowed === false && decision.denials[0]).toEqual({
      policy: 'permissions.hostVolumePaths',
      requested: path,
      allowed: ['/data', '/var/log'],
      message: `${message} permissions.hostVolumePaths (/data, /var/log)`,
    });
  });

  it('allows any absolute path under /', () => {
    const root = withPermissions({ hostVolumePaths: ['/'] });
    expect(evaluate(root, { hostVolumes: ['/etc', '/'] })).toEqual({ allowed: true });
    expect(evaluate(root, { hostVolumes: ['etc'] }).allowed).toBe(false);
  });
});

describe('registries', () => {
  it.each([
    [`127.0.0.1:5000/acme/web@sha256:${'a'.repeat(64)}`, [], true],
    ['nginx', [], false],
    ['nginx', ['docker.io'], true],
    ['library/nginx:1.27', ['index.docker.io'], true],
    ['GHCR.io/a/b', ['ghcr.io'], true],
    ['ghcr.io/a/b', ['GHCR.IO'], true],
    ['ghcr.io.evil.com/a/b', ['ghcr.io'], false],
    ['localhost:5000/x', ['localhost'], false],
    ['localhost:5000/x', ['localhost:5000'], true],
    // The platform's registry: only the tenant's own repositories (local `<tenant>/<service>`, ECR `slipway/<tenant>/<service>`).
    ['127.0.0.1:5000/acme/web:3f2c', [], true],
    ['127.0.0.1:5000/slipway/acme/web:3f2c', [], true],
    ['127.0.0.1:5000/globex/web:3f2c', [], false],
    ['127.0.0.1:5000/globex/web:3f2c', ['127.0.0.1:5000'], false],
    ['127.0.0.1:5000/acme', [], false],
  ])('%s with allowedRegistries %j: allowed %s', (image, allowedRegistries, allowed) => {
    expect(evaluate(withPermissions({ allowedRegistries }), { image }).allowed).toBe(allowed);
  });

  it('without a platform registry, only tells the user to ask an admin', () => {
    const decision = evaluateContainerSpec(strict, { image: 'nginx' });
    expect(decision.allowed === false && decision.denials[0]?.message).toBe(
      'image nginx comes from registry docker.io, which is not in permissions.allowedRegistries (none); ask an admin to allow docker.io',
    );
  });
});

describe('builds', () => {
  it('denies a build start with a builder the tenant may not use, and one over the concurrency limit', () => {
    const decision = evaluateBuildStart(strict, { builder: 'circleci', runningBuilds: 2 });
    expect(decision.allowed === false && decision.denials.map((d) => d.policy)).toEqual([
      'permissions.allowedBuilders',
      'limits.concurrentBuilds',
    ]);
  });

  it('says (none) when no builder is allowed', () => {
    const decision = evaluateBuildStart(withPermissions({ allowedBuilders: [] }), {
      builder: 'native',
      runningBuilds: 0,
    });
    expect(decision.allowed === false && decision.denials[0]?.message).toBe(
      'builder native is not in permissions.allowedBuilders (none)',
    );
  });
});

describe('evaluateContainerSpec', () => {
  const spec = {
    image: 'ghcr.io/a/b:1',
    privileged: true,
    capabilities: ['NET_ADMIN'],
    hostVolumes: ['/etc'],
  };

  it('refuses exactly what evaluateServiceChange refuses for the same container', () => {
    const container = evaluateContainerSpec(strict, spec, { platformRegistries });
    const service = evaluate(strict, spec);
    expect(container).toEqual(service);
    expect(container.allowed === false && container.denials.map((d) => d.policy)).toEqual([
      'permissions.allowedRegistries',
      'permissions.privileged',
      'permissions.capabilities',
      'permissions.hostVolumePaths',
    ]);
  });

  it('allows a container the policy permits', () => {
    const loose = withPermissions({
      allowedRegistries: ['ghcr.io'],
      privileged: true,
      capabilities: ['NET_ADMIN'],
      hostVolumePaths: ['/etc'],
    });
    expect(evaluateContainerSpec(loose, spec)).toEqual({ allowed: true });
  });
});
