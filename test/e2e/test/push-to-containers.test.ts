// A signed push becomes containers on the tenant's hosts: fake GitHub → GitHub App → native builder
// → Release + deploy job → controller (deploy worker, scheduler) → three agent processes sharing the
// real Docker engine as three hosts. Then scaling through the API, an agent restart that adopts its
// containers, an image that cannot be pulled, and deleting the services.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AgentProcess, startAgentProcess } from '../src/agent-process.js';
import { eventually } from '../src/eventually.js';
import { type PushPlatform, startPushPlatform } from '../src/push-platform.js';
import { running, tenantContainers } from '../src/tenant-containers.js';

const YAML = [
  'services:',
  '  web:',
  '    build: {}',
  '    port: 8080',
  '    replicas: 3',
  '    resources: { cpu: 100m, memory: 32Mi }',
  'branches:',
  '  main: production',
  '',
].join('\n');
const DOCKERFILE = [
  'FROM slipway/busybox:local',
  'COPY index.html /www/index.html',
  'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]',
  '',
].join('\n');

let platform: PushPlatform;
let agentsDir: string;
const agents = new Map<string, AgentProcess>();
let joinToken: string;

async function api(method: string, path: string, body?: unknown) {
  return platform.api!.request(method, path, body);
}

function startAgent(host: string, zone: string, withToken = true): AgentProcess {
  const agent = startAgentProcess({
    apiUrl: platform.api!.url,
    tenant: platform.tenant,
    host,
    zone,
    stateDir: join(agentsDir, host),
    ...(withToken ? { joinToken } : {}),
  });
  agents.set(host, agent);
  return agent;
}

const webContainers = async () => running(await tenantContainers(platform.docker, platform.tenant), 'web');

beforeAll(async () => {
  platform = await startPushPlatform({
    files: { 'slipway.yaml': YAML, Dockerfile: DOCKERFILE, 'index.html': 'hello from v1\n' },
    api: true,
  });
  agentsDir = await mkdtemp(join(tmpdir(), 'slipway-e2e-agents-'));
  const tenant = await api('POST', '/v1/tenants', { id: platform.tenant, name: 'Acme' });
  expect([201, 409]).toContain(tenant.status);
  const token = await api('POST', `/v1/tenants/${platform.tenant}/join-tokens`, { uses: 3 });
  expect(token.status).toBe(201);
  joinToken = (token.body as { token: string }).token;
  for (const [host, zone] of [
    ['h-1', 'a'],
    ['h-2', 'b'],
    ['h-3', 'c'],
  ] as const)
    startAgent(host, zone);
  await eventually(
    'three hosts reporting',
    () => api('GET', `/v1/tenants/${platform.tenant}/hosts`),
    (r) =>
      (r.body as { items: { lastHeartbeat: string | null }[] }).items.filter((h) => h.lastHeartbeat)
        .length === 3,
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([...agents.values()].map((agent) => agent.stop('SIGTERM')));
  await platform?.close();
  if (agentsDir) await rm(agentsDir, { recursive: true, force: true });
}, 120_000);

describe('push to running containers', () => {
  it('runs a pushed commit as 3 containers on 3 hosts, labelled, limited, on the tenant network, answering', async () => {
    const { status } = await platform.sendPush(platform.repo.sha);
    expect(status).toBe(200);
    const release = await platform.waitForRelease('web', platform.repo.sha);
    const { value: containers } = await eventually(
      '3 running web containers',
      webContainers,
      (c) => c.length === 3,
      {
        timeoutMs: 60_000,
      },
    );
    expect(new Set(containers.map((c) => c.host))).toEqual(new Set(['h-1', 'h-2', 'h-3']));
    for (const container of containers) {
      expect(container.labels).toMatchObject({
        'io.slipway.tenant': platform.tenant,
        'io.slipway.service': 'web',
        'io.slipway.environment': 'production',
        'io.slipway.release': release.id,
      });
      expect(container.nanoCpus).toBe(100_000_000);
      expect(container.memory).toBe(32 * 1024 * 1024);
      expect(container.networks).toEqual([`slipway-${platform.tenant}`]);
      // Running is not yet listening (health checks gate traffic in the rollout, issue 7): poll briefly.
      const { value: page } = await eventually(
        `${container.host} answering`,
        () => fetch(`http://127.0.0.1:${container.hostPort}/`).then((r) => r.text()),
        () => true,
        { timeoutMs: 10_000 },
      );
      expect(page).toBe('hello from v1\n');
    }
    const service = await eventually(
      'the API to show 3 running allocations',
      () => api('GET', `/v1/tenants/${platform.tenant}/services/production/web`),
      (r) =>
        ((r.body as { allocations?: { observed: { state: string } | null }[] }).allocations ?? []).filter(
          (a) => a.observed?.state === 'running',
        ).length === 3,
    );
    expect(service.value.body).toMatchObject({
      release: release.id,
      replicas: 3,
      placement: { placed: 3, unplaced: [] },
    });
  });

  it('scales 3 → 5 → 1 through the API and converges', async () => {
    for (const replicas of [5, 1]) {
      const scaled = await api('POST', `/v1/tenants/${platform.tenant}/services/production/web/scale`, {
        replicas,
      });
      expect(scaled.status).toBe(200);
      const { value } = await eventually(
        `${replicas} running web containers and no others`,
        () => tenantContainers(platform.docker, platform.tenant),
        (all) =>
          running(all, 'web').length === replicas &&
          all.filter((c) => c.service === 'web').length === replicas,
        { timeoutMs: 60_000 },
      );
      expect(new Set(running(value, 'web').map((c) => c.allocation)).size).toBe(replicas);
    }
  });

  it('adopts its containers after an agent restart, without restarting them', async () => {
    const [container] = await webContainers();
    const host = container!.host;
    const restartedAt = Date.now();
    await agents.get(host)!.stop('SIGTERM');
    startAgent(host, 'a', false);
    // Once the restarted agent has reported, it has also reconciled what it found.
    await eventually(
      `${host} reporting again`,
      () => api('GET', `/v1/tenants/${platform.tenant}/hosts/${host}`),
      (r) =>
        Date.parse((r.body as { lastHeartbeat: string | null }).lastHeartbeat ?? '0') > restartedAt + 1000,
      { timeoutMs: 30_000 },
    );
    const after = await webContainers();
    expect(after.map((c) => [c.id, c.startedAt])).toEqual([[container!.id, container!.startedAt]]);
  });

  it('reports an image that cannot be pulled on the allocation', async () => {
    const created = await api('POST', `/v1/tenants/${platform.tenant}/services`, {
      name: 'ghost',
      image: `127.0.0.1:5000/${platform.tenant}/ghost:missing`,
      port: 8080,
      replicas: 1,
      cpu: '50m',
      memory: '16Mi',
    });
    expect(created.status).toBe(201);
    const { value } = await eventually(
      'the pull error on the allocation',
      () => api('GET', `/v1/tenants/${platform.tenant}/services/production/ghost`),
      (r) =>
        (
          (r.body as { allocations?: { observed: { message: string | null } | null }[] }).allocations ?? []
        ).some((a) => /PULL_FAILED/.test(a.observed?.message ?? '')),
    );
    const [allocation] = (value.body as { allocations: { observed: { state: string; message: string } }[] })
      .allocations;
    expect(allocation?.observed.state).toBe('pending');
    expect(allocation?.observed.message).toMatch(/ghost:missing|ghost/);
  });

  it('removes every container when the services are deleted', async () => {
    for (const name of ['web', 'ghost']) {
      const deleted = await api('DELETE', `/v1/tenants/${platform.tenant}/services/production/${name}`);
      expect(deleted.status).toBe(204);
    }
    await eventually(
      'no containers left',
      () => tenantContainers(platform.docker, platform.tenant),
      (all) => all.length === 0,
      { timeoutMs: 60_000 },
    );
  });
});
