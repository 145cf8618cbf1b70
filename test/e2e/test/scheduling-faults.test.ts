// Faults of the scheduling path with real processes: two controller replicas (AWS mode: state in
// S3, lease in DynamoDB, both moto), three agent processes sharing the real Docker engine. An agent
// killed with SIGKILL → its host is lost → its allocations run elsewhere within the grace + 10 s.
// The leader killed right after a scale → the other replica converges with no duplicate allocation.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDesiredRepository } from '@slipway/controller';
import type { ControllerProcess } from '@slipway/controller/testing';
import { DEFAULT_HOST_GRACE_MS, type Release } from '@slipway/core';
import { servicesConfigFromEnv } from '@slipway/devenv';
import { createQueues, type Queues } from '@slipway/queue';
import { createRepositories } from '@slipway/state';
import { Redis } from 'ioredis';
import { type AgentProcess, startAgentProcess } from '../src/agent-process.js';
import { type AwsCluster, startAwsCluster } from '../src/aws-cluster.js';
import { eventually } from '../src/eventually.js';
import { running, tenantContainers } from '../src/tenant-containers.js';
import { pushWebImage } from '../src/web-image.js';

const services = servicesConfigFromEnv(process.env, process.cwd());
let aws: AwsCluster;
let tenant: string;
let follower: ControllerProcess;
let redis: Redis;
let queues: Queues;
let agentsDir: string;
const agents = new Map<string, AgentProcess>();

const api = (replica: ControllerProcess, method: string, path: string, body?: unknown) =>
  aws.api(replica, method, path, body);

/** Every desired allocation of the tenant, from the state store: `host service/slot`. */
async function desired(): Promise<string[]> {
  const { documents } = await createDesiredRepository(aws.store).scan(`tenants/${tenant}/desired/`);
  return documents
    .flatMap((d) => d.value.allocations.map((a) => `${d.value.host} ${a.service}/${a.slot}`))
    .sort();
}

beforeAll(async () => {
  aws = await startAwsCluster({ name: 'e2e-faults', replicas: 2 });
  tenant = aws.tenant;
  const { leader } = await aws.cluster.waitForLeader({ timeoutMs: 15_000 });
  follower = aws.cluster.live().find((r) => r !== leader)!;
  redis = new Redis(services.redisUrl);
  queues = createQueues({ connection: redis, prefix: aws.prefix });

  expect((await api(follower, 'POST', '/v1/tenants', { id: tenant, name: 'Faults' })).status).toBe(201);
  const token = await api(follower, 'POST', `/v1/tenants/${tenant}/join-tokens`, { uses: 3 });
  agentsDir = await mkdtemp(join(tmpdir(), 'slipway-e2e-agents-'));
  // The agents talk to the replica that survives, as they would to a load balancer in front of both.
  for (const [host, zone] of [
    ['h-1', 'a'],
    ['h-2', 'b'],
    ['h-3', 'c'],
  ] as const) {
    agents.set(
      host,
      startAgentProcess({
        apiUrl: `http://127.0.0.1:${follower.port}`,
        tenant,
        host,
        zone,
        stateDir: join(agentsDir, host),
        joinToken: (token.body as { token: string }).token,
      }),
    );
  }

  await eventually(
    'three hosts reporting',
    () => api(follower, 'GET', `/v1/tenants/${tenant}/hosts`),
    (r) =>
      (r.body as { items: { lastHeartbeat: string | null }[] }).items.filter((h) => h.lastHeartbeat)
        .length === 3,
  );
  const pushed = await pushWebImage({
    docker: aws.docker,
    registry: services.registryAddress,
    repository: `${tenant}/web`,
    tag: 'v1',
    body: 'v1',
  });
  const release: Release = {
    id: 'r-web-v1',
    tenant,
    service: 'web',
    environment: 'production',
    image: pushed.image,
    digest: pushed.digest,
    config: {
      port: 8080,
      resources: { cpuMillicores: 50, memoryMiB: 16 },
      health: { path: '/', intervalMs: 10_000, timeoutMs: 5000 },
      env: {},
      secrets: [],
    },
    commit: 'f'.repeat(40),
    buildId: null,
    createdAt: new Date().toISOString(),
  };
  // Recorded and handed over exactly as a builder does (Release, then a deploy job named after it).
  await createRepositories(aws.store).releases.create(release);
  await queues.deploys.add(
    'deploy',
    {
      tenant,
      environment: 'production',
      service: 'web',
      releaseId: release.id,
      commit: release.commit!,
      ref: 'refs/heads/main',
      installationId: 1,
      repository: { id: 1, fullName: 'acme/web' },
      deliveryId: `${aws.prefix}-delivery`,
      serviceDefaults: {
        source: {
          kind: 'build',
          repo: 'acme/web',
          path: '.',
          dockerfile: 'Dockerfile',
          args: {},
          builder: 'native',
        },
        replicas: 3,
        domains: [],
        visibility: 'public',
      },
    },
    { jobId: release.id },
  );
  await eventually(
    '3 running containers',
    async () => running(await tenantContainers(aws.docker, tenant), 'web'),
    (c) => c.length === 3,
    { timeoutMs: 60_000 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${processLogs()}`);
  });
}, 180_000);

const processLogs = () => aws.logs([...agents.values()]);

afterAll(async () => {
  await Promise.all([...agents.values()].map((a) => a.stop('SIGKILL')));
  await queues?.close();
  redis?.disconnect();
  await aws?.close();
  if (agentsDir) await rm(agentsDir, { recursive: true, force: true });
}, 120_000);

describe('scheduling faults', () => {
  it('re-places a killed agent’s allocations on the other hosts within the grace + 10 s', async () => {
    const before = running(await tenantContainers(aws.docker, tenant), 'web');
    const victim = before[0]!.host;
    const survivors = new Set(['h-1', 'h-2', 'h-3'].filter((h) => h !== victim));
    await agents.get(victim)!.stop('SIGKILL');
    const { value, elapsedMs } = await eventually(
      `3 running containers on ${[...survivors].join(' and ')}`,
      async () => running(await tenantContainers(aws.docker, tenant), 'web', survivors),
      (c) => c.length === 3,
      { timeoutMs: DEFAULT_HOST_GRACE_MS + 20_000, everyMs: 250 },
    );
    expect(elapsedMs).toBeLessThanOrEqual(DEFAULT_HOST_GRACE_MS + 10_000);
    expect(new Set(value.map((c) => c.labels['io.slipway.slot']))).toEqual(new Set(['0', '1', '2']));
    expect((await desired()).filter((line) => line.startsWith(victim))).toEqual([]);
  }, 60_000);

  it('converges with no duplicate allocation when the leader is killed right after a scale', async () => {
    const live = new Set(
      [...agents.values()]
        .filter((a) => a.child.exitCode === null && a.child.signalCode === null)
        .map((a) => a.host),
    );
    const scaled = await api(follower, 'POST', `/v1/tenants/${tenant}/services/production/web/scale`, {
      replicas: 6,
    });
    expect(scaled.status).toBe(200);
    const leader = aws.cluster.live().find((r) => r !== follower)!;
    leader.signal('SIGKILL');
    await leader.exited;
    const { value } = await eventually(
      '6 running containers after the failover',
      async () => running(await tenantContainers(aws.docker, tenant), 'web', live),
      (c) => c.length === 6,
      { timeoutMs: 60_000, everyMs: 250 },
    );
    expect(new Set(value.map((c) => c.labels['io.slipway.slot']))).toEqual(
      new Set(['0', '1', '2', '3', '4', '5']),
    );
    const slots = (await desired()).map((line) => line.split(' ')[1]);
    expect(slots.sort()).toEqual(['web/0', 'web/1', 'web/2', 'web/3', 'web/4', 'web/5']);
    expect((await aws.cluster.leaders()).map((r) => r.id)).toEqual([follower.id]);
  }, 90_000);
});
