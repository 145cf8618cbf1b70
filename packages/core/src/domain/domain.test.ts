import { describe, expect, it } from '@jest/globals';
import { addOnSchema } from './add-on.js';
import { allocationSchema, observedAllocationSchema } from './allocation.js';
import { BUILD_STATUSES, buildSchema, canMoveBuild, isFinishedBuild } from './build.js';
import { hostSchema } from './host.js';
import {
  DNS_LABEL_PATTERN,
  HOSTNAME_PATTERN,
  IMAGE_REFERENCE_PATTERN,
  RELATIVE_PATH_PATTERN,
} from './names.js';
import { defaultPolicy, policySchema } from './policy.js';
import { releaseSchema } from './release.js';
import { rolloutSchema } from './rollout.js';
import { serviceSchema } from './service.js';
import { tenantSchema } from './tenant.js';

const at = '2025-11-26T07:00:00.000Z';
const sha = 'a'.repeat(40);
const digest = `sha256:${'b'.repeat(64)}`;
const resources = { cpuMillicores: 250, memoryMiB: 256 };
const health = { path: '/', intervalMs: 10_000, timeoutMs: 5000 };
const owned = { tenant: 'acme', service: 'web', environment: 'production' };

describe('domain schemas accept well-formed records', () => {
  it.each([
    [
      'tenant',
      tenantSchema,
      {
        id: 'acme',
        name: 'Acme Inc.',
        members: [{ user: 'github:1', role: 'owner' }],
        githubInstallations: [{ installationId: 42, account: 'acme' }],
        createdAt: at,
      },
    ],
    [
      'host',
      hostSchema,
      {
        id: 'h-1',
        tenant: 'acme',
        capacity: { cpuMillicores: 4000, memoryMiB: 8192 },
        labels: { zone: 'eu-west-1a', pool: 'default' },
        status: 'ready',
      },
    ],
    [
      'service',
      serviceSchema,
      {
        tenant: 'acme',
        environment: 'production',
        name: 'web',
        source: {
          kind: 'build',
          repo: 'acme/shop',
          path: 'apps/web',
          dockerfile: 'Dockerfile',
          args: {},
          builder: 'native',
        },
        port: 8080,
        replicas: 2,
        resources,
        health,
        env: { LOG_LEVEL: 'info' },
        secrets: ['DATABASE_URL'],
        domains: ['shop.example.com'],
        visibility: 'public',
        release: null,
      },
    ],
    [
      'build',
      buildSchema,
      {
        id: 'b-1',
        ...owned,
        commit: sha,
        builder: 'native',
        status: 'queued',
        createdAt: at,
        startedAt: null,
        finishedAt: null,
        error: null,
        attempt: 2,
        ref: 'refs/heads/main',
        releaseId: null,
      },
    ],
    [
      'release',
      releaseSchema,
      {
        id: 'r-1',
        ...owned,
        image: '127.0.0.1:5000/acme/web:abc',
        digest,
        config: { port: 8080, resources, health, env: {}, secrets: [] },
        commit: sha,
        buildId: 'b-1',
        createdAt: at,
      },
    ],
    [
      'rollout',
      rolloutSchema,
      {
        id: 'ro-1',
        ...owned,
        fromRelease: null,
        toRelease: 'r-1',
        replicas: 2,
        baseline: {},
        steps: [
          {
            action: 'start',
            release: 'r-1',
            replicas: 2,
            phase: 'deploy',
            status: 'pending',
            startedAt: null,
          },
        ],
        status: 'running',
        reason: null,
        createdAt: at,
        finishedAt: null,
      },
    ],
    [
      'allocation',
      allocationSchema,
      {
        id: 'a-1',
        ...owned,
        release: 'r-1',
        host: 'h-1',
        slot: 0,
      },
    ],
    [
      'observed allocation',
      observedAllocationSchema,
      { state: 'running', containerId: 'c0ffee', message: null, at },
    ],
    [
      'observed allocation with its endpoint and health',
      observedAllocationSchema,
      {
        state: 'unhealthy',
        containerId: 'c0ffee',
        message: 'health check / failing: HTTP 500',
        at,
        endpoint: { address: '10.0.0.5', port: 32768 },
        health: { status: 'failing', consecutiveFailures: 3, lastCheckAt: at, lastError: 'HTTP 500' },
      },
    ],
    [
      'observed allocation not checked yet',
      observedAllocationSchema,
      {
        state: 'starting',
        containerId: 'c0ffee',
        message: null,
        at,
        endpoint: { address: 'host-1.internal', port: 32768 },
        health: { status: 'unknown', consecutiveFailures: 0, lastCheckAt: null, lastError: null },
      },
    ],
    [
      'add-on',
      addOnSchema,
      {
        id: 'ad-1',
        tenant: 'acme',
        name: 'vector',
        image: 'timberio/vector:0.40',
        env: {},
        resources,
        enabled: true,
      },
    ],
    ['policy', policySchema, defaultPolicy('acme')],
  ] as const)('%s', (_, schema, record) => {
    expect(schema.safeParse(record)).toEqual({ success: true, data: record });
  });
});

describe('domain schemas reject what would break isolation or the platform', () => {
  it('tenant ids are DNS labels', () => {
    for (const id of ['Acme', 'acme_inc', '-acme', 'acme-', '1acme', 'a'.repeat(64), '']) {
      expect([id, DNS_LABEL_PATTERN.test(id)]).toEqual([id, false]);
    }
    expect(DNS_LABEL_PATTERN.test('a'.repeat(63))).toBe(true);
  });

  it('a health timeout must be shorter than its interval', () => {
    const result = serviceSchema.shape.health.safeParse({ path: '/', intervalMs: 1000, timeoutMs: 1000 });
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['timeoutMs'], 'timeoutMs must be shorter than intervalMs'],
    ]);
  });

  it('a release is frozen once parsed', () => {
    const release = releaseSchema.parse({
      id: 'r-1',
      ...owned,
      image: 'nginx:1.27',
      digest,
      config: { port: 80, resources, health, env: {}, secrets: [] },
      commit: null,
      buildId: null,
      createdAt: at,
    });
    expect(Object.isFrozen(release)).toBe(true);
  });

  it('a built release says where it came from; image releases and older documents have no origin', () => {
    const built = {
      id: 'r-2',
      ...owned,
      image: '127.0.0.1:5000/acme/web:abc',
      digest,
      config: { port: 8080, resources, health, env: {}, secrets: [] },
      commit: sha,
      buildId: 'b-2',
      createdAt: at,
    };
    const origin = {
      installationId: 42,
      repository: { id: 7, fullName: 'acme/web' },
      ref: 'refs/heads/main',
    };
    expect(releaseSchema.parse({ ...built, origin }).origin).toEqual(origin);
    expect(releaseSchema.parse(built).origin).toBeUndefined();
    const bad = releaseSchema.safeParse({
      ...built,
      origin: { ...origin, installationId: 0, repository: { id: 7, fullName: 'web' } },
    });
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'origin.installationId',
      'origin.repository.fullName',
    ]);
  });

  it.each([
    [
      HOSTNAME_PATTERN,
      ['example.com', 'a-b.example.co.uk'],
      ['localhost', 'Example.com', 'a_b.com', '-a.com', 'a..com'],
    ],
    [
      IMAGE_REFERENCE_PATTERN,
      ['nginx', 'nginx:1.27', 'ghcr.io/a/b:v1', '127.0.0.1:5000/x/y:local', `x@${digest}`],
      ['Nginx', 'nginx:', 'a b', ':tag'],
    ],
    [
      RELATIVE_PATH_PATTERN,
      ['.', 'Dockerfile', 'apps/web', 'a..b'],
      ['/etc', '../x', 'a/../b', 'a/..', 'a\\b'],
    ],
  ])('%s', (pattern, good, bad) => {
    expect(good.filter((s) => !pattern.test(s))).toEqual([]);
    expect(bad.filter((s) => pattern.test(s))).toEqual([]);
  });
});

describe('durable schemas hold no live state (DESIGN.md §4 rule 8)', () => {
  it('keeps heartbeats and observed containers out of hosts and allocations', () => {
    // Written every few seconds per host, they live in Redis with a TTL; the state store would cost dearly.
    expect(Object.keys(hostSchema.shape)).not.toContain('lastHeartbeat');
    expect(Object.keys(allocationSchema.shape)).not.toContain('observed');
    const host = hostSchema.parse({
      id: 'h-1',
      tenant: 'acme',
      capacity: { cpuMillicores: 1000, memoryMiB: 1024 },
      labels: { zone: 'z1', pool: 'default' },
      status: 'ready',
      lastHeartbeat: at,
    });
    expect(host).not.toHaveProperty('lastHeartbeat');
  });
});

describe('build status', () => {
  it('moves queued → running → succeeded|failed|cancelled and never out of a finished state', () => {
    expect(canMoveBuild('queued', 'running')).toBe(true);
    expect(canMoveBuild('running', 'succeeded')).toBe(true);
    expect(canMoveBuild('running', 'queued')).toBe(false);
    expect(canMoveBuild('queued', 'succeeded')).toBe(false);
    for (const from of ['succeeded', 'failed', 'cancelled'] as const) {
      expect(isFinishedBuild(from)).toBe(true);
      expect(BUILD_STATUSES.filter((to) => canMoveBuild(from, to))).toEqual([]);
    }
  });
});

describe('observed allocation endpoint and health', () => {
  const base = { state: 'running', containerId: 'c0ffee', message: null, at: '2026-01-01T00:00:00.000Z' };
  it.each([
    ['a port out of range', { endpoint: { address: '127.0.0.1', port: 0 } }],
    ['an address that is no IP or host name', { endpoint: { address: 'not a host', port: 8080 } }],
    [
      'an unknown health status',
      { health: { status: 'ok', consecutiveFailures: 0, lastCheckAt: null, lastError: null } },
    ],
    [
      'negative failures',
      { health: { status: 'failing', consecutiveFailures: -1, lastCheckAt: null, lastError: null } },
    ],
  ])('rejects %s', (_, extra) => {
    expect(observedAllocationSchema.safeParse({ ...base, ...extra }).success).toBe(false);
  });
});
