import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Allocation, Host, Release, Rollout, Service, Tenant } from '@slipway/core';
import { CorruptDocumentError, InvalidKeyError } from './errors.js';
import { FsStateStore } from './fs-state-store.js';
import { createRepositories } from './repositories.js';
import { serviceKey, servicesPrefix, tenantPrefix } from './state-keys.js';

const now = '2025-01-01T00:00:00.000Z';
const digest = `sha256:${'a'.repeat(64)}`;
const tenant: Tenant = {
  id: 'acme',
  name: 'Acme Inc.',
  members: [{ user: 'github:1', role: 'owner' }],
  githubInstallations: [{ installationId: 42, account: 'acme' }],
  createdAt: now,
};
const host: Host = {
  id: 'h1',
  tenant: 'acme',
  capacity: { cpuMillicores: 2000, memoryMiB: 4096 },
  labels: { zone: 'z1', pool: 'default' },
  status: 'ready',
};
const config = {
  port: 8080,
  resources: { cpuMillicores: 250, memoryMiB: 256 },
  health: { path: '/healthz', intervalMs: 5000, timeoutMs: 1000 },
  env: { NODE_ENV: 'production' },
  secrets: ['DATABASE_URL'],
};
const service: Service = {
  tenant: 'acme',
  environment: 'production',
  name: 'web',
  source: { kind: 'image', image: 'slipway/busybox:local' },
  release: null,
  replicas: 2,
  domains: ['www.acme.example'],
  visibility: 'public',
  ...config,
};
const release: Release = {
  id: 'r1',
  tenant: 'acme',
  service: 'web',
  environment: 'production',
  image: '127.0.0.1:5000/acme/web:r1',
  digest,
  config,
  commit: null,
  buildId: null,
  createdAt: now,
};
const rollout: Rollout = {
  id: 'ro1',
  tenant: 'acme',
  service: 'web',
  environment: 'production',
  fromRelease: null,
  toRelease: 'r1',
  replicas: 2,
  baseline: {},
  steps: [
    { action: 'start', release: 'r1', replicas: 2, phase: 'deploy', status: 'pending', startedAt: null },
  ],
  status: 'running',
  reason: null,
  createdAt: now,
  finishedAt: null,
};
const allocation: Allocation = {
  id: 'a1',
  tenant: 'acme',
  service: 'web',
  environment: 'production',
  release: 'r1',
  host: 'h1',
  slot: 0,
};

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'slipway-repositories-test-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createRepositories', () => {
  it('stores each kind at its documented key and reads it back validated', async () => {
    const repos = createRepositories(new FsStateStore({ root: join(root, 'layout'), durable: false }));
    const keys = [
      (await repos.tenants.create(tenant)).key,
      (await repos.hosts.create(host)).key,
      (await repos.services.create(service)).key,
      (await repos.releases.create(release)).key,
      (await repos.rollouts.create(rollout)).key,
      (await repos.allocations.create(allocation)).key,
    ];
    expect(keys).toEqual([
      'tenants/acme/tenant.json',
      'tenants/acme/hosts/h1.json',
      'tenants/acme/services/production/web.json',
      'tenants/acme/releases/production/web/r1.json',
      'tenants/acme/rollouts/production/web/ro1.json',
      'tenants/acme/allocations/production/web/a1.json',
    ]);
    expect((await repos.services.require(keys[2]!)).value).toEqual(service);
    expect((await repos.releases.require(keys[3]!)).value).toEqual(release);
    await expect(repos.releases.update(keys[3]!, (current) => current!)).rejects.toThrow(/immutable/);
  });

  it('scans one kind out of a tenant prefix and reports corrupt documents by key', async () => {
    const storeRoot = join(root, 'scan');
    const repos = createRepositories(new FsStateStore({ root: storeRoot, durable: false }));
    await repos.tenants.create(tenant);
    await repos.services.create(service);
    await repos.services.create({ ...service, environment: 'staging' });
    await repos.releases.create(release);
    const broken = serviceKey({ tenant: 'acme', environment: 'production', name: 'api' });
    await mkdir(dirname(join(storeRoot, broken)), { recursive: true });
    await writeFile(join(storeRoot, broken), JSON.stringify({ ...service, name: 'api', port: 0 }));

    const { documents, corrupt } = await repos.services.scan(tenantPrefix('acme'));
    expect(documents.map((document) => document.key)).toEqual([
      'tenants/acme/services/production/web.json',
      'tenants/acme/services/staging/web.json',
    ]);
    expect(corrupt).toHaveLength(1);
    expect(corrupt[0]).toBeInstanceOf(CorruptDocumentError);
    expect(corrupt[0]).toMatchObject({ key: broken, issues: [{ path: ['port'] }] });
    expect((await repos.services.scan(servicesPrefix('acme', 'staging'))).documents).toHaveLength(1);
    expect((await repos.tenants.scan('tenants/')).documents.map((document) => document.value.id)).toEqual([
      'acme',
    ]);
  });

  it('refuses ids that would bend the key layout', () => {
    expect(() => serviceKey({ tenant: 'acme/services', environment: 'production', name: 'web' })).toThrow(
      InvalidKeyError,
    );
    expect(() => servicesPrefix('..')).toThrow(InvalidKeyError);
  });
});
