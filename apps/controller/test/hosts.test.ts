// The agent-facing host routes against real Redis and the local state store: joining with a join
// token, heartbeats kept in Redis with a TTL (never in the state store), and the desired-state
// long-poll woken through Redis pub/sub.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { listAll } from '@slipway/state';
import { Redis } from 'ioredis';
import { type DesiredAllocations, desiredKey } from '../src/hosts/desired-allocations.js';
import { reconcileDesiredEtags } from '../src/hosts/desired-etag.js';
import { hostEventsChannel, hostRedisKey } from '../src/hosts/host-redis-keys.js';
import { writeDesired } from '../src/hosts/write-desired.js';
import { type Harness, makeTenant, makeUser, startHarness } from './support/api-harness.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniquePrefix('ctl-hosts');
const ttlMs = 4000;
const fence = { family: `${prefix}-scheduler`, epoch: 1 };
const capacity = { cpuMillicores: 2000, memoryMiB: 4096 };
const labels = { zone: 'z1', pool: 'default' };

let harness: Harness;
let redis: Redis;
let tenant: string;
let other: string;
let owner: string;
let sequence = 0;

beforeAll(async () => {
  harness = await startHarness(
    { REDIS_URL: redisUrl, SLIPWAY_REDIS_PREFIX: prefix, SLIPWAY_RATE_LIMIT_PER_MINUTE: '100000' },
    { hosts: { heartbeatTtlMs: ttlMs } },
  );
  redis = new Redis(redisUrl);
  owner = (await makeUser(harness, 'olga')).id;
  tenant = `acme-${prefix
    .slice(-6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
  other = `globex-${prefix
    .slice(-6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
  await makeTenant(harness, tenant, [{ user: owner, role: 'owner' }]);
  await makeTenant(harness, other, [{ user: owner, role: 'owner' }]);
});

afterAll(async () => {
  await harness.close();
  await cleanupRedis(redis, prefix);
  redis.disconnect();
});

async function joinToken(forTenant: string, options: { uses?: number; expired?: boolean } = {}) {
  const now = harness.clock.now;
  const { token } = await harness.controller.services.tokens.createJoinToken({
    tenant: forTenant,
    createdBy: owner,
    uses: options.uses ?? 1,
    ...(options.expired ? { now: now - 2 * 86_400_000, expiresAt: now - 86_400_000 } : { now }),
  });
  return token;
}

/** Every document of the tenant with its etag: a write anywhere changes it. */
async function stateKeys() {
  const keys: string[] = [];
  for await (const item of listAll(harness.controller.services.store, `tenants/${tenant}/`))
    keys.push(`${item.key} ${item.etag}`);
  return keys;
}

function join(forTenant: string, body: Record<string, unknown>) {
  return harness.call('POST', `/v1/tenants/${forTenant}/hosts/join`, { body: { capacity, labels, ...body } });
}

/** A joined host of `tenant` and its host token. */
async function joinedHost() {
  const name = `h-${++sequence}`;
  const response = await join(tenant, { joinToken: await joinToken(tenant), name });
  expect(response.status).toBe(201);
  const { hostToken } = (await response.json()) as { hostToken: string };
  return { name, hostToken };
}

function desired(host: string, allocations: number): DesiredAllocations {
  return {
    tenant,
    host,
    allocations: Array.from({ length: allocations }, (_, slot) => ({
      allocation: `a-${host}-${slot}`,
      tenant,
      service: 'web',
      environment: 'production',
      release: 'r-1',
      slot,
      image: `registry.local/acme/web@sha256:${'a'.repeat(64)}`,
    })),
  };
}

async function write(host: string, allocations: number) {
  const { hosts } = harness.controller.services;
  const current = await hosts.desired.get(desiredKey(tenant, host));
  return writeDesired({
    repository: hosts.desired,
    redis,
    prefix,
    document: desired(host, allocations),
    expectedEtag: current?.etag ?? null,
    fence,
  });
}

function poll(host: string, token: string, options: { etag?: string; wait?: number } = {}) {
  return fetch(`${harness.url}/v1/tenants/${tenant}/hosts/${host}/desired?wait=${options.wait ?? 0}`, {
    headers: { authorization: `Bearer ${token}`, ...(options.etag ? { 'if-none-match': options.etag } : {}) },
  });
}

describe('POST /v1/tenants/:tenant/hosts/join', () => {
  it('redeems a join token, records a ready host and returns a host token that works', async () => {
    const response = await join(tenant, { joinToken: await joinToken(tenant), name: 'h-joined' });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { host: unknown; hostToken: string };
    expect(body.host).toEqual({ id: 'h-joined', tenant, capacity, labels, status: 'ready' });
    expect(body.hostToken).toMatch(/^slh_/);
    const stored = await harness.controller.services.repos.hosts.get(`tenants/${tenant}/hosts/h-joined.json`);
    expect(stored?.value.status).toBe('ready');
    const principal = await harness.controller.services.tokens.authenticate(body.hostToken);
    expect(principal).toMatchObject({ kind: 'host', tenant, host: 'h-joined' });
  });

  it('names the host itself when no name is given', async () => {
    const response = await join(tenant, { joinToken: await joinToken(tenant) });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { host: { id: string } }).host.id).toMatch(/^h-[0-9a-f]{10}$/);
  });

  it("refuses another tenant's join token with 404 and leaves its use unspent", async () => {
    const token = await joinToken(other);
    const wrong = await join(tenant, { joinToken: token, name: 'h-wrong' });
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(
      await harness.controller.services.repos.hosts.get(`tenants/${tenant}/hosts/h-wrong.json`),
    ).toBeUndefined();
    expect((await join(other, { joinToken: token, name: 'h-right' })).status).toBe(201);
  });

  it('refuses a used-up, an expired and a malformed join token with 401', async () => {
    const once = await joinToken(tenant, { uses: 1 });
    expect((await join(tenant, { joinToken: once })).status).toBe(201);
    for (const joinTokenText of [once, await joinToken(tenant, { expired: true }), 'slj_nonsense']) {
      const response = await join(tenant, { joinToken: joinTokenText });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'join_token_refused' } });
    }
  });

  it('refuses a taken host name with 409 before spending a use', async () => {
    const token = await joinToken(tenant, { uses: 1 });
    expect((await join(tenant, { joinToken: token, name: 'h-joined' })).status).toBe(409);
    expect((await join(tenant, { joinToken: token, name: 'h-free' })).status).toBe(201);
  });

  it('lets hosts racing for one token all join (at worst after a 503 to retry), spending each use once', async () => {
    const hosts = 40;
    const token = await joinToken(tenant, { uses: hosts });
    const names = Array.from({ length: hosts }, (_, i) => `h-race-${i}`);
    const seen = new Set<number>();
    let waiting = names;
    for (let round = 0; waiting.length > 0 && round < 20; round++) {
      const answers = await Promise.all(waiting.map((name) => join(tenant, { joinToken: token, name })));
      for (const answer of answers) seen.add(answer.status);
      waiting = waiting.filter((_, i) => answers[i]!.status === 503);
    }
    expect([...seen].filter((status) => status !== 201 && status !== 503)).toEqual([]);
    expect(waiting).toEqual([]);
    for (const name of names)
      expect(
        await harness.controller.services.repos.hosts.get(`tenants/${tenant}/hosts/${name}.json`),
      ).toBeDefined();
    const spent = await join(tenant, { joinToken: token, name: 'h-race-extra' });
    expect(spent.status).toBe(401);
  });

  it('answers a bad capacity or labels with 400 and field paths, spending nothing', async () => {
    const token = await joinToken(tenant, { uses: 1 });
    const response = await join(tenant, {
      joinToken: token,
      capacity: { cpuMillicores: 0, memoryMiB: 'lots' },
      labels: { zone: 'Not A Label' },
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { fields: { path: string }[] } };
    expect(error.fields.map((f) => f.path).sort()).toEqual([
      'body.capacity.cpuMillicores',
      'body.capacity.memoryMiB',
      'body.labels.pool',
      'body.labels.zone',
    ]);
    expect((await join(tenant, { joinToken: token })).status).toBe(201);
  });
});

describe('POST /v1/tenants/:tenant/hosts/:host/heartbeat', () => {
  it('keeps the heartbeat and observed allocations in Redis with a TTL, never in the state store', async () => {
    const { name, hostToken } = await joinedHost();
    const before = await stateKeys();
    const report = { allocation: 'a-1', state: 'running', containerId: 'c0ffee', message: null };
    const response = await harness.call('POST', `/v1/tenants/${tenant}/hosts/${name}/heartbeat`, {
      token: hostToken,
      body: { allocations: [report] },
    });
    expect(response.status).toBe(204);

    for (const part of ['heartbeat', 'observed'] as const) {
      const ttl = await redis.pttl(hostRedisKey(prefix, tenant, name, part));
      expect(ttl).toBeGreaterThan(ttlMs - 1000);
      expect(ttl).toBeLessThanOrEqual(ttlMs);
    }
    expect(await stateKeys()).toEqual(before);

    const view = await harness.call('GET', `/v1/tenants/${tenant}/hosts/${name}`, {
      token: await ownerToken(),
    });
    const host = (await view.json()) as { lastHeartbeat: string; observed: unknown[] };
    expect(host.lastHeartbeat).toBe(new Date(harness.clock.now).toISOString());
    expect(host.observed).toEqual([{ ...report, at: host.lastHeartbeat }]);
  });

  it('publishes a host event when the host comes back or its containers change, not otherwise', async () => {
    const { name, hostToken } = await joinedHost();
    const subscriber = new Redis(redisUrl);
    const events: unknown[] = [];
    subscriber.on('message', (_channel, message) => events.push(JSON.parse(message)));
    await subscriber.subscribe(hostEventsChannel(prefix));
    const beat = (state: string) =>
      harness.call('POST', `/v1/tenants/${tenant}/hosts/${name}/heartbeat`, {
        token: hostToken,
        body: { allocations: [{ allocation: 'a-1', state, containerId: 'c1', message: null }] },
      });
    try {
      expect((await beat('starting')).status).toBe(204);
      expect((await beat('starting')).status).toBe(204);
      expect((await beat('running')).status).toBe(204);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(events.filter((e) => (e as { host: string }).host === name)).toEqual([
        { tenant, host: name, event: 'resumed' },
        { tenant, host: name, event: 'observed' },
      ]);
    } finally {
      subscriber.disconnect();
    }
  });

  it('keeps each allocation’s endpoint and health, and publishes a health transition but not a newer check', async () => {
    const { name, hostToken } = await joinedHost();
    const subscriber = new Redis(redisUrl);
    const events: unknown[] = [];
    subscriber.on('message', (_channel, message) => events.push(JSON.parse(message)));
    await subscriber.subscribe(hostEventsChannel(prefix));
    const report = (status: 'passing' | 'failing', consecutiveFailures: number, lastCheckAt: string) => ({
      allocation: 'a-1',
      state: 'running',
      containerId: 'c1',
      message: null,
      at: lastCheckAt,
      endpoint: { address: '127.0.0.1', port: 32768 },
      health: {
        status,
        consecutiveFailures,
        lastCheckAt,
        lastError: status === 'failing' ? 'HTTP 500' : null,
      },
    });
    const beat = (allocation: ReturnType<typeof report>) =>
      harness.call('POST', `/v1/tenants/${tenant}/hosts/${name}/heartbeat`, {
        token: hostToken,
        body: { allocations: [allocation] },
      });
    try {
      expect((await beat(report('passing', 0, '2026-11-26T10:00:00.000Z'))).status).toBe(204);
      expect((await beat(report('passing', 0, '2026-11-26T10:00:05.000Z'))).status).toBe(204);
      expect((await beat(report('failing', 1, '2026-11-26T10:00:10.000Z'))).status).toBe(204);
      expect((await beat(report('failing', 2, '2026-11-26T10:00:15.000Z'))).status).toBe(204);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(events.filter((e) => (e as { host: string }).host === name)).toEqual([
        { tenant, host: name, event: 'resumed' },
        { tenant, host: name, event: 'observed' },
      ]);
      const view = await harness.call('GET', `/v1/tenants/${tenant}/hosts/${name}`, {
        token: await ownerToken(),
      });
      const host = (await view.json()) as { observed: unknown[] };
      expect(host.observed).toEqual([report('failing', 2, '2026-11-26T10:00:15.000Z')]);
    } finally {
      subscriber.disconnect();
    }
  });

  it('refuses an endpoint or health it cannot read with 400', async () => {
    const { name, hostToken } = await joinedHost();
    const response = await harness.call('POST', `/v1/tenants/${tenant}/hosts/${name}/heartbeat`, {
      token: hostToken,
      body: {
        allocations: [
          {
            allocation: 'a-1',
            state: 'running',
            containerId: 'c1',
            message: null,
            endpoint: { address: '127.0.0.1', port: 70000 },
            health: { status: 'fine', consecutiveFailures: 0, lastCheckAt: null, lastError: null },
          },
        ],
      },
    });
    expect(response.status).toBe(400);
    expect(await redis.exists(hostRedisKey(prefix, tenant, name, 'heartbeat'))).toBe(0);
  });

  it("refuses another host's token and another tenant's host token with 404", async () => {
    const mine = await joinedHost();
    const neighbour = await joinedHost();
    const foreign = await harness.controller.services.tokens.createHostToken({
      tenant: other,
      host: mine.name,
    });
    const body = { allocations: [] };
    const path = `/v1/tenants/${tenant}/hosts/${mine.name}/heartbeat`;
    expect((await harness.call('POST', path, { token: neighbour.hostToken, body })).status).toBe(404);
    expect((await harness.call('POST', path, { token: foreign.token, body })).status).toBe(404);
    expect(await redis.exists(hostRedisKey(prefix, tenant, mine.name, 'heartbeat'))).toBe(0);
    expect((await poll(mine.name, foreign.token)).status).toBe(404);
  });
});

let ownerBearer: string | undefined;
async function ownerToken() {
  ownerBearer ??= (
    await harness.controller.services.tokens.createApiToken({
      user: owner,
      name: 'test',
      tenant,
      role: 'owner',
      expiresAt: harness.clock.now + 86_400_000,
      now: harness.clock.now,
    })
  ).token;
  return ownerBearer;
}

describe('GET /v1/tenants/:tenant/hosts/:host/desired', () => {
  it('answers an empty document before the first write, then the document at once when the ETag differs', async () => {
    const { name, hostToken } = await joinedHost();
    const empty = await poll(name, hostToken);
    expect(empty.status).toBe(200);
    expect(empty.headers.get('etag')).toBe('"none"');
    expect(await empty.json()).toEqual({ tenant, host: name, allocations: [] });

    const { etag } = await write(name, 2);
    const started = Date.now();
    const changed = await poll(name, hostToken, { etag: '"none"', wait: 30 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe(`"${etag}"`);
    expect(await changed.json()).toEqual(desired(name, 2));
  });

  it('holds a poll with the current ETag and answers within ~100 ms of a writeDesired', async () => {
    const { name, hostToken } = await joinedHost();
    const first = await write(name, 1);
    const pending = poll(name, hostToken, { etag: `"${first.etag}"`, wait: 10 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const writtenAt = Date.now();
    const second = await write(name, 3);
    const response = await pending;
    const answeredAfter = Date.now() - writtenAt;
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${second.etag}"`);
    expect(((await response.json()) as DesiredAllocations).allocations).toHaveLength(3);
    expect(answeredAfter).toBeLessThan(150);
  });

  it('answers 304 when nothing changed within the wait', async () => {
    const { name, hostToken } = await joinedHost();
    const { etag } = await write(name, 1);
    const started = Date.now();
    const response = await poll(name, hostToken, { etag: `"${etag}"`, wait: 1 });
    expect(response.status).toBe(304);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(await response.text()).toBe('');
  });

  it('refuses a wait over 30 s with 400', async () => {
    const { name, hostToken } = await joinedHost();
    const response = await poll(name, hostToken, { wait: 31 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { fields: [{ path: 'query.wait' }] } });
  });

  it('releases 200 concurrent long-polls, each by one write, over one subscriber connection', async () => {
    const { tokens } = harness.controller.services;
    const hosts = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const name = `fan-${i}`;
        const { token } = await tokens.createHostToken({ tenant, host: name });
        return { name, token };
      }),
    );
    const polls = hosts.map((h) => poll(h.name, h.token, { etag: '"none"', wait: 20 }));
    const { watcher } = harness.controller.services.hosts;
    const deadline = Date.now() + 10_000;
    while ((watcher?.waiting ?? 0) < 200 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(watcher?.waiting).toBe(200);
    const started = Date.now();
    const written = await Promise.all(hosts.map((h) => write(h.name, 1)));
    const responses = await Promise.all(polls);
    const elapsed = Date.now() - started;
    expect(responses.map((r) => r.status)).toEqual(hosts.map(() => 200));
    expect(responses.map((r) => r.headers.get('etag'))).toEqual(written.map((w) => `"${w.etag}"`));
    expect(watcher?.waiting).toBe(0);
    expect(elapsed).toBeLessThan(5000);
    const clients = String(await redis.client('LIST')).split('\n');
    const name = `slipway-controller:${harness.controller.services.replica.id.replace(/\s/g, '_')}:desired`;
    expect(clients.filter((line) => line.includes(` name=${name} `))).toHaveLength(1);
  });
});

describe('the recorded desired ETag (Redis) spares the long-poll its state-store reads', () => {
  /** Counts the state-store GETs of `host`'s desired document while `body` runs. */
  async function countingReads<T>(host: string, body: (reads: () => number) => Promise<T>): Promise<T> {
    const { store } = harness.controller.services;
    const key = desiredKey(tenant, host);
    const original = store.get;
    let reads = 0;
    store.get = (k: string) => {
      if (k === key) reads += 1;
      return original.call(store, k);
    };
    try {
      return await body(() => reads);
    } finally {
      store.get = original;
    }
  }

  it('answers an unchanged poll from Redis and reads the store only when the ETag changed or is unknown', async () => {
    const { name, hostToken } = await joinedHost();
    const first = await write(name, 1);
    expect(await redis.get(hostRedisKey(prefix, tenant, name, 'desired-etag'))).toBe(first.etag);
    await countingReads(name, async (reads) => {
      expect((await poll(name, hostToken, { etag: `"${first.etag}"`, wait: 1 })).status).toBe(304);
      expect(reads()).toBe(0);

      const pending = poll(name, hostToken, { etag: `"${first.etag}"`, wait: 10 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const second = await write(name, 2);
      const response = await pending;
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe(`"${second.etag}"`);
      expect(await response.json()).toEqual(desired(name, 2));
      // One by this test's `write` (it reads the etag to write over), one by the woken poll.
      expect(reads()).toBe(2);

      // Nothing recorded (expired, never written through writeDesired): the store decides.
      await redis.del(hostRedisKey(prefix, tenant, name, 'desired-etag'));
      expect((await poll(name, hostToken, { etag: `"${second.etag}"` })).status).toBe(304);
      expect(reads()).toBe(3);
    });
  });

  it('brings recorded ETags in line with listed ones: sets, renews, deletes a different or orphan one', async () => {
    const key = (host: string) => hostRedisKey(prefix, tenant, host, 'desired-etag');
    await redis.set(key('r-same'), 'e-1', 'EX', 60);
    await redis.set(key('r-other'), 'e-old', 'EX', 60);
    await redis.set(key('r-gone'), 'e-3', 'EX', 60);
    await reconcileDesiredEtags(
      redis,
      prefix,
      tenant,
      new Map([
        ['r-same', 'e-1'],
        ['r-other', 'e-2'],
        ['r-gone', undefined],
        ['r-new', 'e-4'],
      ]),
    );
    expect(await redis.get(key('r-same'))).toBe('e-1');
    expect(await redis.ttl(key('r-same'))).toBeGreaterThan(3600);
    expect(await redis.get(key('r-other'))).toBeNull();
    expect(await redis.get(key('r-gone'))).toBeNull();
    expect(await redis.get(key('r-new'))).toBe('e-4');
    expect(await redis.ttl(key('r-new'))).toBeGreaterThan(3600);
  });
});

describe('hosts as their tenant sees them', () => {
  it('lists hosts with their live state (null without a heartbeat), and removes one with its token', async () => {
    const quiet = await joinedHost();
    const token = await ownerToken();
    const list = await harness.call('GET', `/v1/tenants/${tenant}/hosts`, { token });
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as {
      items: { id: string; lastHeartbeat: unknown; observed: unknown }[];
    };
    expect(items.find((h) => h.id === quiet.name)).toMatchObject({
      id: quiet.name,
      capacity,
      labels,
      status: 'ready',
      lastHeartbeat: null,
      observed: null,
    });

    const removed = await harness.call('DELETE', `/v1/tenants/${tenant}/hosts/${quiet.name}`, { token });
    expect(removed.status).toBe(204);
    expect((await harness.call('GET', `/v1/tenants/${tenant}/hosts/${quiet.name}`, { token })).status).toBe(
      404,
    );
    const beat = await harness.call('POST', `/v1/tenants/${tenant}/hosts/${quiet.name}/heartbeat`, {
      token: quiet.hostToken,
      body: { allocations: [] },
    });
    expect(beat.status).toBe(401);
  });
});
