// The leader killed in the middle of a rolling deploy, under load: two controller replicas (AWS
// mode: state in S3, lease in DynamoDB, both moto), each with its own local edge; three agent
// processes. Traffic and agents go to the replica that survives, as they would to a load balancer
// in front of both. The new leader resumes the rollout from its recorded steps: no request fails,
// the old version answers and then the new, and every slot runs exactly once at the end.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDesiredRepository } from '@slipway/controller';
import type { ControllerProcess } from '@slipway/controller/testing';
import type { Rollout } from '@slipway/core';
import { servicesConfigFromEnv } from '@slipway/devenv';
import { type AgentProcess, startAgentProcess } from '../src/agent-process.js';
import { type AwsCluster, startAwsCluster } from '../src/aws-cluster.js';
import { eventually } from '../src/eventually.js';
import { answerRuns, startLoadLoop } from '../src/load-loop.js';
import { running, tenantContainers } from '../src/tenant-containers.js';
import { pushWebImage } from '../src/web-image.js';

const services = servicesConfigFromEnv(process.env, process.cwd());
let aws: AwsCluster;
let tenant: string;
let hostname: string;
let leader: ControllerProcess;
let follower: ControllerProcess;
let agentsDir: string;
const agents: AgentProcess[] = [];
const images: Record<'v1' | 'v2', string> = { v1: '', v2: '' };

/** The API of the replica that survives, as the admin. */
const api = (method: string, path: string, body?: unknown) => aws.api(follower, method, path, body);

async function rollouts(): Promise<Rollout[]> {
  const { body } = await api('GET', `/v1/tenants/${tenant}/services/production/web/rollouts`);
  return (body as { items: Rollout[] }).items;
}

const processLogs = () => aws.logs(agents);

beforeAll(async () => {
  aws = await startAwsCluster({
    name: 'e2e-failover',
    replicas: 2,
    edge: true,
    env: { SLIPWAY_DRAIN_MS: '1000', SLIPWAY_ROLLOUT_DEADLINE_MS: '60000' },
  });
  tenant = aws.tenant;
  hostname = `web.${tenant}.localhost`;
  leader = (await aws.cluster.waitForLeader({ timeoutMs: 15_000 })).leader;
  follower = aws.cluster.live().find((r) => r !== leader)!;

  for (const version of ['v1', 'v2'] as const) {
    images[version] = (
      await pushWebImage({
        docker: aws.docker,
        registry: services.registryAddress,
        repository: `${tenant}/web`,
        tag: version,
        body: version,
      })
    ).image;
  }
  expect((await api('POST', '/v1/tenants', { id: tenant, name: 'Failover' })).status).toBe(201);
  const token = await api('POST', `/v1/tenants/${tenant}/join-tokens`, { uses: 3 });
  agentsDir = await mkdtemp(join(tmpdir(), 'slipway-e2e-agents-'));
  for (const [host, zone] of [
    ['h-1', 'a'],
    ['h-2', 'b'],
    ['h-3', 'c'],
  ] as const) {
    agents.push(
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
  const created = await api('POST', `/v1/tenants/${tenant}/services`, {
    name: 'web',
    image: images.v1,
    port: 8080,
    replicas: 3,
    cpu: '250m',
    memory: '16Mi',
    health: { path: '/', interval: '1s', timeout: '500ms' },
  });
  expect(created).toMatchObject({ status: 201 });
  await eventually(
    'v1 answering on 3 replicas through the surviving replica’s edge',
    async () => {
      const burst = startLoadLoop({ port: follower.edgePort!, hostname, ratePerSecond: 200 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      return {
        report: await burst.stop(),
        containers: running(await tenantContainers(aws.docker, tenant), 'web'),
      };
    },
    ({ report, containers }) =>
      containers.length === 3 && report.answers.length >= 10 && report.answers.every((a) => a === '200 v1'),
    { timeoutMs: 90_000, everyMs: 250 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${processLogs()}`);
  });
}, 180_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop('SIGKILL')));
  await aws?.close();
  if (agentsDir) await rm(agentsDir, { recursive: true, force: true });
}, 120_000);

describe('the leader killed mid-rollout', () => {
  it('is replaced by a leader that resumes the rollout: no failed request, old then new, every slot once', async () => {
    const traffic = startLoadLoop({ port: follower.edgePort!, hostname, ratePerSecond: 120 });
    const deployed = await api('POST', `/v1/tenants/${tenant}/services/production/web/deploy`, {
      image: images.v2,
    });
    expect(deployed.status).toBe(202);
    const release = (deployed.body as { release: { id: string } }).release.id;
    // Mid-rollout: the first new replica has started, and at least one step is still to come.
    const { value: begun } = await eventually(
      'the rollout to have started its first new replica',
      async () => (await rollouts()).find((r) => r.toRelease === release),
      (r) =>
        r?.status === 'running' &&
        r.steps.some((s) => s.action === 'start' && s.status !== 'pending') &&
        r.steps.some((s) => s.status === 'pending'),
      { timeoutMs: 30_000, everyMs: 50 },
    );
    leader.signal('SIGKILL');
    await leader.exited;
    const { value: finished } = await eventually(
      'the rollout to finish under the new leader',
      async () => (await rollouts()).find((r) => r.id === begun!.id),
      (r) => r !== undefined && r.status !== 'running',
      { timeoutMs: 90_000, everyMs: 250 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${processLogs()}`);
    });
    await eventually(
      'only v2 answering',
      async () => {
        const burst = startLoadLoop({ port: follower.edgePort!, hostname, ratePerSecond: 200 });
        await new Promise((resolve) => setTimeout(resolve, 100));
        return burst.stop();
      },
      (report) => report.answers.length >= 10 && report.answers.every((a) => a === '200 v2'),
      { timeoutMs: 30_000, everyMs: 100 },
    );
    const report = await traffic.stop();

    expect(finished).toMatchObject({ status: 'succeeded', reason: null });
    expect((await aws.cluster.leaders()).map((r) => r.id)).toEqual([follower.id]);
    expect({ failures: report.failures, logs: report.failures.length ? processLogs() : '' }).toEqual({
      failures: [],
      logs: '',
    });
    expect(report.rate).toBeGreaterThanOrEqual(100);
    const runs = answerRuns(report.answers);
    expect(new Set(runs)).toEqual(new Set(['200 v1', '200 v2']));
    expect([runs[0], runs.at(-1)]).toEqual(['200 v1', '200 v2']);
    // Resumed, not restarted: the same plan, and the steps the first leader had done left as they were.
    expect(finished!.steps).toHaveLength(begun!.steps.length);
    begun!.steps.forEach((step, i) => {
      if (step.status === 'done') expect(finished!.steps[i]).toEqual(step);
    });
    expect(finished!.steps.every((step) => step.status === 'done')).toBe(true);
    // The last old replica drains (SLIPWAY_DRAIN_MS) before its agent stops it.
    const { value: containers } = await eventually(
      'the last old replica to stop',
      async () => running(await tenantContainers(aws.docker, tenant), 'web'),
      (list) => list.length <= 3,
      { timeoutMs: 30_000, everyMs: 250 },
    );
    expect(containers.map((c) => c.labels['io.slipway.slot']).sort()).toEqual(['0', '1', '2']);
    expect(new Set(containers.map((c) => c.release))).toEqual(new Set([release]));
    const { documents } = await createDesiredRepository(aws.store).scan(`tenants/${tenant}/desired/`);
    const slots = documents.flatMap((d) => d.value.allocations.map((a) => `${a.service}/${a.slot}`));
    expect(slots.sort()).toEqual(['web/0', 'web/1', 'web/2']);
  }, 180_000);
});
