// The agent as it runs on a host: startAgent against an in-process controller (real Redis) and the
// real engine — joining, following its desired document, reporting, surviving restarts and outages.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AllocationSpec } from '@slipway/core';
import { cleanupDocker, cleanupRedis, testLabel, uniquePrefix } from '@slipway/devenv/testing';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { type Agent, identityPath, LABELS, observeHost, startAgent } from '../src/index.js';
import { eventually, startTestController, type TestController } from './support/controller.js';
import { getWhenUp } from './support/http.js';
import { webSpec } from './support/specs.js';
import { makeWebImage } from './support/web-image.js';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniquePrefix('loop');
const tenant = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-');
const labels = { [testLabel]: prefix };
const secretValue = `sv-${Math.random().toString(36).slice(2)}-never-logged`;
const stateDir = mkdtempSync(join(tmpdir(), 'slipway-agent-state-'));
const agentLogs: string[] = [];
let control: TestController;
let agent: Agent | undefined;
let image = '';

const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk, _encoding, done) {
      agentLogs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  }),
);

function start(joinToken?: string) {
  return startAgent({
    docker,
    apiUrl: control.url,
    tenant,
    stateDir,
    ...(joinToken ? { joinToken } : {}),
    capacity: { cpuMillicores: 2000, memoryMiB: 2048 },
    labels: { zone: 'local', pool: 'default' },
    publishAddress: '127.0.0.1',
    reconcileMs: 1000,
    heartbeatMs: 300,
    pollWaitSeconds: 5,
    containerLabels: labels,
    stopTimeoutSeconds: 1,
    logger,
    client: { retries: 1, minRetryDelayMs: 50, maxRetryDelayMs: 200, requestTimeoutMs: 2000 },
  });
}

const web = (allocation: string, overrides: Partial<AllocationSpec> = {}) =>
  webSpec({ allocation: `${prefix}-${allocation}`, tenant, image, ...overrides });

/** The host's last heartbeat entry of `allocation` once `matches` holds for it. */
async function reported(
  allocation: string,
  matches: (entry: { state: string; message: string | null }) => boolean,
) {
  return eventually(async () => {
    const { observed } = await control.liveState(agent?.hostId ?? '');
    const entry = observed?.find((e) => e.allocation === `${prefix}-${allocation}`);
    if (!entry || !matches(entry)) throw new Error(`${allocation} is reported as ${JSON.stringify(entry)}`);
    return entry;
  });
}

async function containerOf(allocation: string) {
  const found = (await observeHost({ docker, tenant, hostId: agent?.hostId ?? '' })).find(
    (c) => c.allocation === `${prefix}-${allocation}`,
  );
  return found;
}

beforeAll(async () => {
  control = await startTestController({ tenant, redisUrl, redisPrefix: prefix });
  const { services } = control.controller;
  // Test images are named like Docker Hub's; the platform registry is allowed anyway.
  await services.policies.update(
    tenant,
    { permissions: { allowedRegistries: ['docker.io'] } },
    { by: 'test', now: Date.now() },
  );
  await services.secrets.set({ tenant, environment: 'production', service: 'web' }, 'API_KEY', secretValue);
  image = await makeWebImage({ docker, prefix, body: `served by ${prefix}` });
  agent = await start(await control.joinToken());
});

afterAll(async () => {
  await agent?.close();
  await control.close();
  await cleanupDocker(docker, `${testLabel}=${prefix}`);
  const redis = new Redis(redisUrl);
  await cleanupRedis(redis, prefix);
  redis.disconnect();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('startAgent', () => {
  it('joins, keeps its identity readable by its owner only, and runs what its desired document names', async () => {
    const hostId = agent?.hostId ?? '';
    expect(statSync(identityPath(stateDir)).mode & 0o777).toBe(0o600);
    await control.setDesired(hostId, [web('a1', { secrets: ['API_KEY'] }), web('a2', { slot: 1 })]);

    const entry = await reported('a1', (e) => e.state === 'running');
    await reported('a2', (e) => e.state === 'running');
    const container = await containerOf('a1');
    expect(entry).toMatchObject({ containerId: container?.containerId, message: null });
    const info = await docker.getContainer(container?.containerId ?? '').inspect();
    expect(info.Config.Labels).toMatchObject({
      [LABELS.host]: hostId,
      [LABELS.tenant]: tenant,
      [LABELS.allocation]: `${prefix}-a1`,
      [testLabel]: prefix,
    });
    expect(info.Config.Env).toContain(`API_KEY=${secretValue}`);
    expect(await getWhenUp(`http://127.0.0.1:${container?.hostPort}/`)).toBe(`served by ${prefix}\n`);
  });

  it('removes the container of an allocation the document no longer names', async () => {
    const hostId = agent?.hostId ?? '';
    await control.setDesired(hostId, [web('a1', { secrets: ['API_KEY'] })]);
    await eventually(async () => {
      if (await containerOf('a2')) throw new Error('a2 is still there');
    });
    expect((await containerOf('a1'))?.state).toBe('running');
  });

  it('reports an image that cannot be pulled as pending with PULL_FAILED', async () => {
    await control.setDesired(agent?.hostId ?? '', [
      web('a1', { secrets: ['API_KEY'] }),
      web('missing', { image: `127.0.0.1:5000/${tenant}/missing:nope` }),
    ]);
    const entry = await reported('missing', (e) => e.state === 'pending' && e.message !== null);
    expect(entry.message).toMatch(/^PULL_FAILED: /);
    expect(await containerOf('missing')).toBeUndefined();
  });

  it("refuses a privileged spec the tenant's policy forbids: pending with POLICY_DENIED, no container", async () => {
    await control.setDesired(agent?.hostId ?? '', [
      web('a1', { secrets: ['API_KEY'] }),
      web('privileged', { privileged: true }),
    ]);
    const entry = await reported('privileged', (e) => e.state === 'pending' && e.message !== null);
    expect(entry.message).toMatch(/^POLICY_DENIED: /);
    expect(await containerOf('privileged')).toBeUndefined();
  });

  it('starts a container that stopped without a new document (the periodic reconcile)', async () => {
    const before = await containerOf('a1');
    await docker.getContainer(before?.containerId ?? '').stop({ t: 1 });
    await eventually(async () => {
      const now = await containerOf('a1');
      if (now?.state !== 'running' || now.startedAt === before?.startedAt)
        throw new Error('not started again');
    });
    expect((await containerOf('a1'))?.containerId).toBe(before?.containerId);
  });

  it('restarted with the same state folder, keeps its host id and adopts its containers without restarting them', async () => {
    const hostId = agent?.hostId ?? '';
    const before = await containerOf('a1');
    await agent?.close();
    const logsBefore = agentLogs.length;
    agent = await start();
    expect(agent.hostId).toBe(hostId);
    // It has read its document again and reconciled (a heartbeat follows each pass).
    await eventually(async () => {
      if (!agentLogs.slice(logsBefore).some((line) => line.includes('new desired state')))
        throw new Error('no document yet');
    });
    const heartbeatAfter = (await control.liveState(hostId)).lastHeartbeat;
    await eventually(async () => {
      if ((await control.liveState(hostId)).lastHeartbeat === heartbeatAfter)
        throw new Error('no new heartbeat');
    });
    await reported('a1', (e) => e.state === 'running');
    const after = await containerOf('a1');
    expect(after?.containerId).toBe(before?.containerId);
    expect(after?.startedAt).toBe(before?.startedAt);
  });

  it('keeps its containers running while the controller is down', async () => {
    const before = await containerOf('a1');
    await control.stop();
    const logsBefore = agentLogs.length;
    // Several failed heartbeats: more than one reconcile interval has passed without a controller.
    await eventually(async () => {
      const failed = agentLogs.slice(logsBefore).filter((line) => line.includes('heartbeat failed'));
      if (failed.length < 5) throw new Error(`${failed.length} failed heartbeats so far`);
    });
    const after = await containerOf('a1');
    expect(after).toMatchObject({
      containerId: before?.containerId,
      state: 'running',
      startedAt: before?.startedAt,
    });
    expect(await getWhenUp(`http://127.0.0.1:${after?.hostPort}/`)).toBe(`served by ${prefix}\n`);
  });

  it('logs with the tenant and host on every line, and never a secret value or token', () => {
    const hostId = agent?.hostId ?? '';
    const identity = JSON.parse(readFileSync(identityPath(stateDir), 'utf8')) as { hostToken: string };
    expect(agentLogs.length).toBeGreaterThan(0);
    for (const line of agentLogs) {
      expect(line).not.toContain(secretValue);
      expect(line).not.toContain(identity.hostToken);
      const parsed = JSON.parse(line) as { tenant?: string; host?: string };
      expect(parsed.tenant).toBe(tenant);
      expect(parsed.host).toBe(hostId);
    }
  });
});
