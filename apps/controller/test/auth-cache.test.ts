// Two controller replicas sharing one state folder and one Redis, as replicas of a deployment do:
// agents' requests are authenticated from each replica's cache (no store read per request), and a
// revoked token, a removed host or a removed member is refused on the OTHER replica at once.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import type { StateStore } from '@slipway/state';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createBackends } from '../src/backends.js';
import { controllerConfigFromEnv } from '../src/config.js';
import { type Controller, createController } from '../src/controller.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniquePrefix('ctl-auth-cache');
const dataDir = mkdtempSync(join(tmpdir(), 'slipway-auth-cache-'));
const secretsKey = randomBytes(32).toString('base64');
const tenant = 'acme';

interface Replica {
  controller: Controller;
  url: string;
  /** Every key this replica's state store was asked to read, in order. */
  reads: string[];
}

/** The state store, with every `get` noted in `reads`. */
function countingGets(store: StateStore, reads: string[]): StateStore {
  return {
    get: (key) => {
      reads.push(key);
      return store.get(key);
    },
    put: (key, value, options) => store.put(key, value, options),
    delete: (key, options) => store.delete(key, options),
    list: (key, options) => store.list(key, options),
    close: () => store.close(),
  };
}

async function startReplica(id: string): Promise<Replica> {
  const config = controllerConfigFromEnv(
    {
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_SECRETS_KEY: secretsKey,
      SLIPWAY_CONTROLLER_ID: id,
      REDIS_URL: redisUrl,
      SLIPWAY_REDIS_PREFIX: prefix,
      SLIPWAY_RATE_LIMIT_PER_MINUTE: '100000',
    },
    dataDir,
  );
  const reads: string[] = [];
  const backends = createBackends(config);
  const controller = await createController({
    config,
    backends: { ...backends, store: countingGets(backends.store, reads), close: () => backends.close() },
    logger: pino({ level: 'silent' }),
  });
  const url = await controller.app.listen({ host: '127.0.0.1', port: 0 });
  return { controller, url, reads };
}

let a: Replica;
let b: Replica;
let redis: Redis;
let owner: string;
let ownerId: string;

function call(replica: Replica, method: string, path: string, token: string, body?: unknown) {
  return fetch(`${replica.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

const heartbeat = (replica: Replica, host: string, token: string) =>
  call(replica, 'POST', `/v1/tenants/${tenant}/hosts/${host}/heartbeat`, token, { allocations: [] });

/** Polls `status()` until it answers `expected`; the time it took, or a failure after 2 s. */
async function untilStatus(status: () => Promise<number>, expected: number): Promise<number> {
  const started = Date.now();
  let last = await status();
  while (last !== expected) {
    if (Date.now() - started > 2_000) throw new Error(`still ${last}, not ${expected}, after 2 s`);
    await sleep(20);
    last = await status();
  }
  return Date.now() - started;
}

/** A host joined through replica A, with its host token. */
async function joinedHost(name: string): Promise<string> {
  const { token: joinToken } = await a.controller.services.tokens.createJoinToken({
    tenant,
    createdBy: ownerId,
  });
  const response = await fetch(`${a.url}/v1/tenants/${tenant}/hosts/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      joinToken,
      name,
      capacity: { cpuMillicores: 1000, memoryMiB: 512 },
      labels: { zone: 'z1', pool: 'default' },
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { hostToken: string }).hostToken;
}

beforeAll(async () => {
  redis = new Redis(redisUrl);
  a = await startReplica(`${prefix}-a`);
  b = await startReplica(`${prefix}-b`);
  const started = Date.now();
  while (!(a.controller.services.authCache.caching && b.controller.services.authCache.caching)) {
    if (Date.now() - started > 5_000) throw new Error('the auth caches did not subscribe within 5 s');
    await sleep(20);
  }
  const { users, repos, tokens } = a.controller.services;
  const user = await users.signIn({
    provider: 'github',
    subject: `owner-${prefix}`,
    login: 'owner',
    name: 'Owner',
    emailVerified: false,
  });
  ownerId = user.id;
  await repos.tenants.create({
    id: tenant,
    name: tenant,
    members: [{ user: user.id, role: 'owner' }],
    githubInstallations: [],
    createdAt: new Date().toISOString(),
  });
  owner = (await tokens.createApiToken({ user: user.id, name: 'owner', tenant, role: 'owner' })).token;
});

afterAll(async () => {
  await a?.controller.stop();
  await b?.controller.stop();
  await cleanupRedis(redis, prefix);
  redis.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the auth cache', () => {
  it("reads an agent's token record and tenant once for many requests", async () => {
    const hostToken = await joinedHost('h-quiet');
    const tokenId = hostToken.split('_')[1];
    b.reads.length = 0;
    for (let i = 0; i < 10; i++) expect((await heartbeat(b, 'h-quiet', hostToken)).status).toBe(204);
    expect(b.reads.filter((key) => key === `tokens/${tokenId}.json`)).toHaveLength(1);
    expect(b.reads.filter((key) => key === `tenants/${tenant}/tenant.json`).length).toBeLessThanOrEqual(1);
  });

  it('refuses a host token on replica B as soon as replica A removes the host', async () => {
    const hostToken = await joinedHost('h-gone');
    expect((await heartbeat(b, 'h-gone', hostToken)).status).toBe(204); // now cached on B
    expect((await call(a, 'DELETE', `/v1/tenants/${tenant}/hosts/h-gone`, owner)).status).toBe(204);
    const tookMs = await untilStatus(async () => (await heartbeat(b, 'h-gone', hostToken)).status, 401);
    expect(tookMs).toBeLessThan(1_000);
  });

  it('refuses a revoked API token on replica B', async () => {
    const { token, record } = await a.controller.services.tokens.createApiToken({
      user: ownerId,
      name: 'short-lived',
      tenant,
      role: 'viewer',
    });
    const members = () => call(b, 'GET', `/v1/tenants/${tenant}/members`, token);
    expect((await members()).status).toBe(200);
    expect((await call(a, 'DELETE', `/v1/tenants/${tenant}/tokens/${record.id}`, owner)).status).toBe(204);
    await untilStatus(async () => (await members()).status, 401);
  });

  it('takes a removed member’s access away on replica B', async () => {
    const { users, tokens } = a.controller.services;
    const viewer = await users.signIn({
      provider: 'github',
      subject: `viewer-${prefix}`,
      login: 'viewer',
      name: 'Viewer',
      emailVerified: false,
    });
    expect(
      (await call(a, 'PUT', `/v1/tenants/${tenant}/members/${viewer.id}`, owner, { role: 'viewer' })).status,
    ).toBe(200);
    const { token } = await tokens.createApiToken({ user: viewer.id, name: 'viewer' });
    const members = () => call(b, 'GET', `/v1/tenants/${tenant}/members`, token);
    await untilStatus(async () => (await members()).status, 200);
    b.reads.length = 0;
    expect((await members()).status).toBe(200);
    expect(b.reads).not.toContain(`tenants/${tenant}/tenant.json`); // served from B's cache
    expect((await call(a, 'DELETE', `/v1/tenants/${tenant}/members/${viewer.id}`, owner)).status).toBe(204);
    await untilStatus(async () => (await members()).status, 404);
  });
});
