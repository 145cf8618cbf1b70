// The edge sync against real Redis, the local state store and a real LocalEdge: routes come from
// the state at the loop's first pass (so a restarted edge is whole again at once), follow health
// reports, and leave out draining allocations before their containers stop.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type EdgeRoute, type LocalEdge, startLocalEdge } from '@slipway/cloud';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { type Harness, makeTenant, makeUser, startHarness } from './support/api-harness.js';
import { startFakeAgent } from './support/fake-agent.js';
import { sampleRelease, sampleService } from './support/records.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniquePrefix('ctl-edge');
const tenant = `edge-${prefix
  .slice(-6)
  .toLowerCase()
  .replace(/[^a-z0-9]/g, 'x')}`;
let redis: Redis;
let backend: Server;
let backendPort: number;
let dataDir: string;

function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A controller driving `edge`, whose every table the test records. */
async function startWithEdge(edge: LocalEdge, updates: EdgeRoute[][]): Promise<Harness> {
  const recording = {
    update: (routes: readonly EdgeRoute[]) => {
      updates.push([...routes]);
      return edge.update(routes);
    },
    close: () => edge.close(),
  };
  // Every controller of this file shares one state folder: a restart finds what the last one stored.
  return startHarness(
    { REDIS_URL: redisUrl, SLIPWAY_REDIS_PREFIX: prefix, SLIPWAY_DATA_DIR: dataDir },
    { edge: recording, scheduler: { resyncMs: 60_000 } },
  );
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'slipway-edge-sync-'));
  redis = new Redis(redisUrl);
  backend = createServer((_req, res) => res.end('hello from the allocation'));
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendPort = (backend.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => backend.close(resolve));
  await cleanupRedis(redis, prefix);
  redis.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('edge sync', () => {
  let harness: Harness;
  let edge: LocalEdge;
  const updates: EdgeRoute[][] = [];
  const host = `web.${tenant}.localhost`;
  let stopAgent: () => void;

  beforeAll(async () => {
    edge = await startLocalEdge({ port: 0, logger: pino({ level: 'silent' }) });
    harness = await startWithEdge(edge, updates);
    const owner = await makeUser(harness, 'eddie');
    await makeTenant(harness, tenant, [{ user: owner.id, role: 'owner' }]);
    const { repos } = harness.controller.services;
    await repos.releases.create(sampleRelease({ tenant, id: 'r-1', createdAt: new Date().toISOString() }));
    await repos.services.create(sampleService({ tenant, release: 'r-1' }));
    await repos.hosts.create({
      id: 'h-1',
      tenant,
      capacity: { cpuMillicores: 1000, memoryMiB: 1024 },
      labels: { zone: 'a', pool: 'default' },
      status: 'ready',
    });
    // A fake agent: whatever h-1 is asked to run, it runs healthy at the test's backend.
    stopAgent = startFakeAgent({
      harness,
      redis,
      prefix,
      tenant,
      host: 'h-1',
      endpoint: () => ({ address: '127.0.0.1', port: backendPort }),
    });
  });

  afterAll(async () => {
    stopAgent();
    await harness.close();
    await edge.close();
  });

  it('routes to an allocation once its agent reports it healthy, with its endpoint', async () => {
    expect((await get(edge.port, host)).status).toBe(404); // no table yet: the controller has not started
    harness.controller.start();
    let answer = await get(edge.port, host);
    for (let tries = 0; answer.status !== 200 && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      answer = await get(edge.port, host);
    }
    expect(answer).toEqual({ status: 200, body: 'hello from the allocation' });
    const [backendOf] = updates.at(-1)?.find((r) => r.tenant === tenant)?.backends ?? [];
    expect(backendOf?.address).toBe(`http://127.0.0.1:${backendPort}`);
  });

  it('gives a restarted edge the whole table on the first pass, from the state alone', async () => {
    await harness.close();
    await edge.close();
    edge = await startLocalEdge({ port: 0, logger: pino({ level: 'silent' }) });
    updates.length = 0;
    harness = await startWithEdge(edge, updates);
    harness.controller.start();
    let answer = await get(edge.port, host);
    for (let tries = 0; answer.status !== 200 && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      answer = await get(edge.port, host);
    }
    expect(answer.status).toBe(200);
    // Rebuilt by the sync's first pass over the stored state, not by any event.
    expect(updates[0]?.find((r) => r.tenant === tenant)?.backends).toHaveLength(1);
  });

  it('keeps the edge of a replica that does not lead in step too', async () => {
    await harness.close();
    await edge.close();
    edge = await startLocalEdge({ port: 0, logger: pino({ level: 'silent' }) });
    updates.length = 0;
    harness = await startWithEdge(edge, updates);
    // Another replica holds the lease for the whole test: this one never leads.
    const { lease, leaseName } = harness.controller.services.replica;
    const held = await lease.tryAcquire({
      name: leaseName,
      owner: 'someone-else',
      ttlMs: 600_000,
      now: Date.now(),
    });
    expect(held.acquired).toBe(true);
    harness.controller.start();
    let answer = await get(edge.port, host);
    for (let tries = 0; answer.status !== 200 && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      answer = await get(edge.port, host);
    }
    expect(answer.status).toBe(200);
    expect(harness.controller.elector.isLeader()).toBe(false);
  });
});
