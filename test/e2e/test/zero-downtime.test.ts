// Live traffic through the local edge while releases roll: a push becomes a new version at
// http://web.<tenant>.localhost with zero failed requests under load; a release that never passes
// its health check, and an image that cannot be pulled, are rolled back with the old version
// serving throughout; a rollback through the API has the same guarantees.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Release, Rollout } from '@slipway/core';
import { type AgentProcess, startAgentProcess } from '../src/agent-process.js';
import { eventually } from '../src/eventually.js';
import { answerRuns, startLoadLoop } from '../src/load-loop.js';
import { type PushPlatform, startPushPlatform } from '../src/push-platform.js';
import { HTTPD_CMD, pushWebImage } from '../src/web-image.js';

const yaml = (health = '/') =>
  [
    'services:',
    '  web:',
    '    build: {}',
    '    port: 8080',
    '    replicas: 3',
    // httpd forks per request: at 50m the CPU quota queues answers for seconds under this load.
    '    resources: { cpu: 250m, memory: 16Mi }',
    `    health: { path: ${health}, interval: 2s, timeout: 1s }`,
    'branches:',
    '  main: production',
    '',
  ].join('\n');
const DOCKERFILE = `FROM slipway/busybox:local\nCOPY index.html /www/index.html\n${HTTPD_CMD}\n`;

let platform: PushPlatform;
let agentsDir: string;
const agents: AgentProcess[] = [];
let hostname: string;

const api = (method: string, path: string, body?: unknown) => platform.api!.request(method, path, body);
const base = () => `/v1/tenants/${platform.tenant}`;

async function rollouts(service: string): Promise<Rollout[]> {
  const { body } = await api('GET', `${base()}/services/production/${service}/rollouts`);
  return (body as { items: Rollout[] }).items;
}

/** The rollout to `release` begun at or after `since` (a release can be rolled out twice), once finished. */
async function finishedRollout(
  service: string,
  release: string,
  since: Date,
  timeoutMs = 90_000,
): Promise<Rollout> {
  const { value } = await eventually(
    `the rollout of ${service} to ${release} to finish`,
    async () =>
      (await rollouts(service)).find(
        (r) => r.toRelease === release && Date.parse(r.createdAt) >= since.getTime(),
      ),
    (r) => r !== undefined && ['succeeded', 'failed', 'cancelled'].includes(r.status),
    { timeoutMs, everyMs: 250 },
  );
  return value!;
}

async function push(files: Record<string, string>): Promise<Release> {
  const sha = await platform.repo.commit(files);
  expect((await platform.sendPush(sha)).status).toBe(200);
  return platform.waitForRelease('web', sha);
}

interface CheckRun {
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id?: string;
  output?: { title?: string; summary?: string };
}

/** The "Slipway deploy / web" check run of `rollout` on `sha`, once GitHub shows it completed. */
async function deployCheckRun(sha: string, rollout: Rollout): Promise<CheckRun> {
  const { value } = await eventually(
    `the deploy check run of ${rollout.id} to complete`,
    async () =>
      (platform.fake.checkRuns({ owner: platform.owner, repo: platform.name }) as unknown as CheckRun[]).find(
        (run) =>
          run.head_sha === sha && run.name === 'Slipway deploy / web' && run.external_id === rollout.id,
      ),
    (run) => run?.status === 'completed',
    { timeoutMs: 30_000 },
  );
  return value!;
}

function load(host = hostname) {
  return startLoadLoop({ port: platform.edge!.port, hostname: host, ratePerSecond: 120 });
}

beforeAll(async () => {
  platform = await startPushPlatform({
    files: { 'slipway.yaml': yaml(), Dockerfile: DOCKERFILE, 'index.html': 'v1\n' },
    edge: true,
    env: { SLIPWAY_DRAIN_MS: '1500', SLIPWAY_ROLLOUT_DEADLINE_MS: '20000' },
  });
  hostname = `web.${platform.tenant}.localhost`;
  agentsDir = await mkdtemp(join(tmpdir(), 'slipway-e2e-agents-'));
  expect([201, 409]).toContain(
    (await api('POST', '/v1/tenants', { id: platform.tenant, name: 'Acme' })).status,
  );
  const token = await api('POST', `${base()}/join-tokens`, { uses: 3 });
  for (const [host, zone] of [
    ['h-1', 'a'],
    ['h-2', 'b'],
    ['h-3', 'c'],
  ] as const) {
    agents.push(
      startAgentProcess({
        apiUrl: platform.api!.url,
        tenant: platform.tenant,
        host,
        zone,
        stateDir: join(agentsDir, host),
        joinToken: (token.body as { token: string }).token,
      }),
    );
  }
  await eventually(
    'three hosts reporting',
    () => api('GET', `${base()}/hosts`),
    (r) =>
      (r.body as { items: { lastHeartbeat: string | null }[] }).items.filter((h) => h.lastHeartbeat)
        .length === 3,
  );
  expect((await platform.sendPush(platform.repo.sha)).status).toBe(200);
  const v1 = await platform.waitForRelease('web', platform.repo.sha);
  expect((await finishedRollout('web', v1.id, new Date(0))).status).toBe('succeeded');
}, 240_000);

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.stop('SIGTERM')));
  await platform?.close();
  if (agentsDir) await rm(agentsDir, { recursive: true, force: true });
}, 120_000);

describe('zero-downtime deploys through the edge', () => {
  it('rolls a pushed version out under ≥ 100 req/s with no failed request, old then new', async () => {
    const traffic = load();
    const v2 = await push({ 'index.html': 'v2\n' });
    const rollout = await finishedRollout('web', v2.id, new Date(0));
    await onlyAnswering(hostname, 'v2');
    const report = await traffic.stop();
    expect(rollout).toMatchObject({ status: 'succeeded', reason: null });
    const check = await deployCheckRun(v2.commit!, rollout);
    expect(check.conclusion).toBe('success');
    expect(check.output?.summary).toContain(`http://web.${platform.tenant}.localhost`);
    expect(report.failures).toEqual([]);
    expect(report.rate).toBeGreaterThanOrEqual(100);
    const runs = answerRuns(report.answers);
    expect(new Set(runs)).toEqual(new Set(['200 v1', '200 v2']));
    expect([runs[0], runs.at(-1)]).toEqual(['200 v1', '200 v2']);
    // One at a time: every health gate was passed before an old replica stopped.
    expect(rollout.steps.map((s) => s.action)).toEqual(
      Array(3).fill(['start', 'wait-healthy', 'stop']).flat(),
    );
  }, 180_000);

  it('rolls back a release that never passes its health check; the old version serves throughout', async () => {
    const traffic = load();
    const bad = await push({ 'slipway.yaml': yaml('/healthz'), 'index.html': 'v3\n' });
    const rollout = await finishedRollout('web', bad.id, new Date(0));
    const report = await traffic.stop();
    expect(rollout.status).toBe('failed');
    expect(rollout.reason).toMatch(/became healthy within 20 s/);
    const check = await deployCheckRun(bad.commit!, rollout);
    expect(check.conclusion).toBe('failure');
    expect(check.output?.summary).toContain('became healthy within 20 s');
    expect(report.failures).toEqual([]);
    expect(new Set(report.answers)).toEqual(new Set(['200 v2']));
  }, 180_000);

  it('rolls back through the API to an older release with the same guarantees', async () => {
    const [first] = (await platform.releases()).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    const traffic = load();
    const since = new Date();
    const answer = await api('POST', `${base()}/services/production/web/rollback`, { release: first!.id });
    expect(answer.status).toBe(202);
    const rollout = await finishedRollout('web', first!.id, since);
    await onlyAnswering(hostname, 'v1');
    const report = await traffic.stop();
    expect(rollout).toMatchObject({ status: 'succeeded', reason: null });
    expect(report.failures).toEqual([]);
    const runs = answerRuns(report.answers);
    expect([runs[0], runs.at(-1)]).toEqual(['200 v2', '200 v1']);
  }, 180_000);

  it('rolls back a deploy whose image cannot be pulled, naming the pull error', async () => {
    const image = await pushWebImage({
      docker: platform.docker,
      registry: '127.0.0.1:5000',
      repository: `${platform.tenant}/img`,
      tag: 'v1',
      body: 'img v1',
    });
    expect(
      (
        await api('POST', `${base()}/services`, {
          name: 'img',
          image: image.image,
          port: 8080,
          replicas: 2,
          memory: '16Mi',
          cpu: '250m',
        })
      ).status,
    ).toBe(201);
    const imgHost = `img.${platform.tenant}.localhost`;
    await onlyAnswering(imgHost, 'img v1');
    const traffic = load(imgHost);
    const deployed = await api('POST', `${base()}/services/production/img/deploy`, {
      image: `127.0.0.1:5000/${platform.tenant}/img:missing`,
    });
    expect(deployed.status).toBe(202);
    const rollout = await finishedRollout(
      'img',
      (deployed.body as { release: { id: string } }).release.id,
      new Date(0),
    );
    const report = await traffic.stop();
    expect(rollout.status).toBe('failed');
    expect(rollout.reason).toMatch(/PULL_FAILED/);
    expect(report.failures).toEqual([]);
    expect(new Set(report.answers)).toEqual(new Set(['200 img v1']));
  }, 180_000);
});

/** Waits until a burst of requests through the edge all answer `body` (every replica serves it). */
async function onlyAnswering(host: string, body: string): Promise<void> {
  await eventually(
    `only "${body}" answering at ${host}`,
    async () => {
      const burst = startLoadLoop({ port: platform.edge!.port, hostname: host, ratePerSecond: 200 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      return burst.stop();
    },
    (report) =>
      report.answers.length >= 10 &&
      report.failures.length === 0 &&
      report.answers.every((a) => a === `200 ${body}`),
    { timeoutMs: 60_000, everyMs: 100 },
  );
}
