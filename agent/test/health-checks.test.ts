// Health checks as the agent runs them: real containers (busybox httpd) checked over their published
// port, and what reaches an in-process controller (real Redis) — states, endpoints and health — and
// when: a transition is reported at once, without waiting for the periodic heartbeat.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AllocationSpec } from '@slipway/core';
import { cleanupDocker, cleanupRedis, testLabel, uniquePrefix } from '@slipway/devenv/testing';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { type Agent, observeHost, startAgent } from '../src/index.js';
import { eventually, startTestController, type TestController } from './support/controller.js';
import { execIn } from './support/exec-in.js';
import { webSpec } from './support/specs.js';
import { makeWebImage } from './support/web-image.js';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniquePrefix('health');
const tenant = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-');
const labels = { [testLabel]: prefix };
const stateDirs: string[] = [];
let control: TestController;
let image = '';

interface RunningAgent {
  agent: Agent;
  /** Its log lines, parsed. */
  logs: { msg: string; reason?: string; allocation?: string; from?: string; to?: string }[];
}
/** Heartbeats every 300 ms and reconciles every second. */
let chatty: RunningAgent;
/** Heartbeats and reconciles once a minute: what the controller hears sooner came with a transition. */
let quiet: RunningAgent;

async function start(options: { heartbeatMs: number; reconcileMs: number }): Promise<RunningAgent> {
  const logs: RunningAgent['logs'] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        done();
      },
    }),
  );
  const stateDir = mkdtempSync(join(tmpdir(), 'slipway-agent-health-'));
  stateDirs.push(stateDir);
  const agent = await startAgent({
    docker,
    apiUrl: control.url,
    tenant,
    stateDir,
    joinToken: await control.joinToken(),
    capacity: { cpuMillicores: 2000, memoryMiB: 2048 },
    labels: { zone: 'local', pool: 'default' },
    publishAddress: '127.0.0.1',
    pollWaitSeconds: 5,
    containerLabels: labels,
    stopTimeoutSeconds: 1,
    logger,
    client: { retries: 1, minRetryDelayMs: 50, maxRetryDelayMs: 200, requestTimeoutMs: 2000 },
    ...options,
  });
  return { agent, logs };
}

/** Checked every 300 ms: a few checks take about a second. */
const web = (allocation: string, path: string, overrides: Partial<AllocationSpec> = {}) =>
  webSpec({
    allocation: `${prefix}-${allocation}`,
    tenant,
    image,
    health: { path, intervalMs: 300, timeoutMs: 1000 },
    ...overrides,
  });

/** The controller's last word on `allocation` of `host` once `matches` holds for it. */
async function reported(
  host: string,
  allocation: string,
  matches: (
    entry: NonNullable<Awaited<ReturnType<TestController['liveState']>>['observed']>[number],
  ) => boolean,
) {
  return eventually(async () => {
    const { observed } = await control.liveState(host);
    const entry = observed?.find((e) => e.allocation === `${prefix}-${allocation}`);
    if (!entry || !matches(entry)) throw new Error(`${allocation} is reported as ${JSON.stringify(entry)}`);
    return entry;
  });
}

async function containerOf(host: string, allocation: string) {
  return (await observeHost({ docker, tenant, hostId: host })).find(
    (c) => c.allocation === `${prefix}-${allocation}`,
  );
}

beforeAll(async () => {
  control = await startTestController({ tenant, redisUrl, redisPrefix: prefix });
  // Test images are named like Docker Hub's.
  await control.controller.services.policies.update(
    tenant,
    { permissions: { allowedRegistries: ['docker.io'] } },
    { by: 'test', now: Date.now() },
  );
  image = await makeWebImage({ docker, prefix, body: 'ok' });
  chatty = await start({ heartbeatMs: 300, reconcileMs: 1000 });
  quiet = await start({ heartbeatMs: 60_000, reconcileMs: 60_000 });
});

afterAll(async () => {
  await chatty?.agent.close();
  await quiet?.agent.close();
  await control.close();
  await cleanupDocker(docker, `${testLabel}=${prefix}`);
  const redis = new Redis(redisUrl);
  await cleanupRedis(redis, prefix);
  redis.disconnect();
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

describe('health checks', () => {
  it('reports a container serving its health path running, with its endpoint and passing health', async () => {
    const host = chatty.agent.hostId;
    await control.setDesired(host, [web('ok', '/index.html'), web('nopath', '/nope', { slot: 1 })]);

    const entry = await reported(host, 'ok', (e) => e.state === 'running');
    const container = await containerOf(host, 'ok');
    expect(entry).toMatchObject({
      containerId: container?.containerId,
      message: null,
      endpoint: { address: '127.0.0.1', port: container?.hostPort },
      health: { status: 'passing', consecutiveFailures: 0, lastError: null },
    });
    expect(entry.health?.lastCheckAt).not.toBeNull();
    // It went through starting: the prober reported the change.
    const transitions = chatty.logs.filter((l) => l.allocation === `${prefix}-ok` && l.to !== undefined);
    expect(transitions.map((l) => [l.from, l.to])).toEqual([['starting', 'running']]);
  });

  it('keeps a container whose health path answers 404 starting, however often it fails', async () => {
    const host = chatty.agent.hostId;
    const entry = await reported(
      host,
      'nopath',
      (e) =>
        (e.health?.consecutiveFailures ?? 0) >= 4 && e.health?.lastError === 'GET /nope answered HTTP 404',
    );
    const container = await containerOf(host, 'nopath');
    expect(container?.state).toBe('running');
    expect(entry).toMatchObject({
      state: 'starting',
      message: 'health check not passing yet: GET /nope answered HTTP 404',
      endpoint: { address: '127.0.0.1', port: container?.hostPort },
      health: { status: 'failing' },
    });
    expect(chatty.logs.filter((l) => l.allocation === `${prefix}-nopath` && l.to !== undefined)).toEqual([]);
  });

  it('reports a healthy container that starts failing unhealthy after 3 failures, at once', async () => {
    const host = quiet.agent.hostId;
    await control.setDesired(host, [web('flaky', '/index.html')]);
    await reported(host, 'flaky', (e) => e.state === 'running' && e.health?.status === 'passing');
    const container = await containerOf(host, 'flaky');
    const sentBefore = quiet.logs.filter((l) => l.msg === 'heartbeat sent').length;

    const removed = await execIn(docker, container?.containerId ?? '', ['busybox', 'rm', '/www/index.html']);
    expect(removed.exitCode).toBe(0);

    const entry = await reported(host, 'flaky', (e) => e.state === 'unhealthy');
    expect(entry).toMatchObject({
      containerId: container?.containerId,
      message: 'health check failing: GET /index.html answered HTTP 404',
      endpoint: { address: '127.0.0.1', port: container?.hostPort },
      health: { status: 'failing', lastError: 'GET /index.html answered HTTP 404' },
    });
    expect(entry.health?.consecutiveFailures).toBeGreaterThanOrEqual(3);
    // The agent logs a heartbeat once the controller has answered it, which may be just after.
    const sent = await eventually(async () => {
      const lines = quiet.logs.filter((l) => l.msg === 'heartbeat sent');
      if (lines.length <= sentBefore) throw new Error('the agent has not logged the heartbeat yet');
      return lines;
    });
    // None of the once-a-minute heartbeats was sent: the transition came in its own.
    expect(sent.filter((l) => l.reason === 'periodic')).toEqual([]);
    expect(new Set(sent.slice(sentBefore).map((l) => l.reason))).toEqual(new Set(['health']));
  });
});
