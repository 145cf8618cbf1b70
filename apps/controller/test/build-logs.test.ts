// Build logs through the API, against real Redis and the controller's own state store: the JSON
// read, the SSE follow (live lines, end, resume, archive fallback, waiting for a queued build) and
// the Redis connections each follower holds.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Build, BuildStatus } from '@slipway/core';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { appendBuildLog, buildLogKey, endBuildLog } from '@slipway/queue';
import { buildKey } from '@slipway/state';
import { Redis } from 'ioredis';
import { type Harness, makeTenant, makeToken, makeUser, startHarness } from './support/api-harness.js';
import { openEventStream } from './support/event-stream.js';
import { sampleBuild } from './support/records.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniquePrefix('ctl-logs');
const tenant = `logs-${randomBytes(3).toString('hex')}`;
const neighbour = `${tenant}-next`;
let harness: Harness;
let redis: Redis;
let token: string;

const ref = (buildId: string, owner = tenant) => ({ tenant: owner, buildId, prefix });
const logsUrl = (id: string, query = '', owner = tenant) =>
  `${harness.url}/v1/tenants/${owner}/builds/${id}/logs${query}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function addBuild(status: BuildStatus, owner = tenant): Promise<Build> {
  const build = sampleBuild({ tenant: owner, id: `b-${randomBytes(6).toString('hex')}`, status });
  await harness.controller.services.repos.builds.create(build);
  return build;
}

async function setStatus(build: Build, status: BuildStatus): Promise<void> {
  await harness.controller.services.repos.builds.update(buildKey(build), (current) => ({
    ...current!,
    status,
  }));
}

/** Redis connections this controller holds (its own and its followers' duplicates share its name). */
async function controllerConnections(): Promise<number> {
  const name = `slipway-controller:${harness.controller.services.replica.id}`;
  const list = (await redis.client('LIST')) as string;
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

const get = (url: string) => fetch(url, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  redis = new Redis(redisUrl);
  harness = await startHarness(
    { REDIS_URL: redisUrl, SLIPWAY_REDIS_PREFIX: prefix, SLIPWAY_RATE_LIMIT_PER_MINUTE: '100000' },
    { buildLogs: { heartbeatMs: 200, idleCheckMs: 300, blockMs: 1000 } },
  );
  const viewer = await makeUser(harness, 'vera');
  await makeTenant(harness, tenant, [{ user: viewer.id, role: 'viewer' }]);
  await makeTenant(harness, neighbour, [{ user: viewer.id, role: 'viewer' }]);
  token = (await makeToken(harness, viewer.id, { tenant, role: 'viewer' })).token;
});
afterAll(async () => {
  await harness.close();
  await cleanupRedis(redis, prefix);
  redis.disconnect();
});

describe('GET /v1/tenants/:tenant/builds/:id/logs (JSON)', () => {
  it('answers the live log so far with stream ids, then the rest after an id, then its end', async () => {
    const build = await addBuild('running');
    const ids = await appendBuildLog(redis, ref(build.id), ['Step 1/2 : FROM busybox', 'Step 2/2 : CMD sh']);

    const response = await get(logsUrl(build.id));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      buildId: build.id,
      source: 'stream',
      lines: [
        { id: ids[0], line: 'Step 1/2 : FROM busybox' },
        { id: ids[1], line: 'Step 2/2 : CMD sh' },
      ],
      status: null,
      truncated: false,
    });

    await appendBuildLog(redis, ref(build.id), ['Successfully built']);
    await endBuildLog(redis, ref(build.id), 'succeeded');
    const rest = (await (await get(logsUrl(build.id, `?after=${ids[1]}`))).json()) as {
      lines: { line: string }[];
      status: string;
    };
    expect(rest.lines.map((l) => l.line)).toEqual(['Successfully built']);
    expect(rest.status).toBe('succeeded');
  });

  it('says when the live log dropped its oldest lines', async () => {
    const build = await addBuild('running');
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}`);
    await appendBuildLog(redis, ref(build.id), lines, { maxLines: 100 });
    const log = (await (await get(logsUrl(build.id))).json()) as { truncated: boolean; lines: unknown[] };
    expect(log.truncated).toBe(true);
    expect(log.lines.length).toBeLessThan(2000);
  });

  it('serves the archive once the stream is gone, with a-<n> ids', async () => {
    const build = await addBuild('failed');
    await harness.controller.services.repos.buildLogs.create({
      tenant,
      id: build.id,
      status: 'failed',
      lines: ['Step 1/1 : RUN false', "The command '/bin/sh -c false' returned a non-zero code: 1"],
      truncated: false,
      finishedAt: '2025-11-26T07:05:00.000Z',
    });
    expect(await (await get(logsUrl(build.id))).json()).toEqual({
      buildId: build.id,
      source: 'archive',
      lines: [
        { id: 'a-1', line: 'Step 1/1 : RUN false' },
        { id: 'a-2', line: "The command '/bin/sh -c false' returned a non-zero code: 1" },
      ],
      status: 'failed',
      truncated: false,
    });
    const after = (await (await get(logsUrl(build.id, '?after=a-1'))).json()) as { lines: { id: string }[] };
    expect(after.lines.map((l) => l.id)).toEqual(['a-2']);
  });

  it('answers a queued build with no log yet as empty, and refuses an id it never issued', async () => {
    const build = await addBuild('queued');
    expect(await (await get(logsUrl(build.id))).json()).toEqual({
      buildId: build.id,
      source: 'none',
      lines: [],
      status: null,
      truncated: false,
    });
    const bad = await get(logsUrl(build.id, '?after=latest'));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { fields: [{ path: 'query.after' }] } });
  });

  it("answers 404 for another tenant's build, even with the same id and a live stream", async () => {
    const theirs = await addBuild('running', neighbour);
    await appendBuildLog(redis, ref(theirs.id, neighbour), ['their secret line']);
    // The token is scoped to `tenant`: the neighbour's URL is not found at all…
    expect((await get(logsUrl(theirs.id, '', neighbour))).status).toBe(404);
    // …and under our tenant, their build id names nothing.
    const response = await get(logsUrl(theirs.id));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('GET /v1/tenants/:tenant/builds/:id/logs?follow=1 (Server-Sent Events)', () => {
  it('streams the lines there are, the lines appended while open, then end, then closes', async () => {
    const build = await addBuild('running');
    const [first] = await appendBuildLog(redis, ref(build.id), ['Step 1/3 : FROM busybox']);
    const stream = await openEventStream(logsUrl(build.id, '?follow=1'), { token });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(await stream.next()).toEqual({
      event: 'line',
      id: first,
      data: JSON.stringify({ line: 'Step 1/3 : FROM busybox' }),
    });

    const later = await appendBuildLog(redis, ref(build.id), ['Step 2/3 : COPY . /app', 'Step 3/3 : CMD x']);
    const endId = await endBuildLog(redis, ref(build.id), 'succeeded');
    expect(await stream.rest()).toEqual([
      { event: 'line', id: later[0], data: JSON.stringify({ line: 'Step 2/3 : COPY . /app' }) },
      { event: 'line', id: later[1], data: JSON.stringify({ line: 'Step 3/3 : CMD x' }) },
      { event: 'end', id: endId, data: JSON.stringify({ status: 'succeeded' }) },
    ]);
  });

  it('sends heartbeat comments while nothing happens', async () => {
    const build = await addBuild('running');
    const stream = await openEventStream(logsUrl(build.id, '?follow=1'), { token });
    await waitFor(async () => stream.comments.filter((c) => c === 'heartbeat').length >= 2);
    stream.close();
  });

  it('resumes after Last-Event-ID', async () => {
    const build = await addBuild('running');
    const ids = await appendBuildLog(redis, ref(build.id), ['one', 'two', 'three']);
    const first = await openEventStream(logsUrl(build.id, '?follow=1'), { token });
    expect((await first.next())?.id).toBe(ids[0]);
    expect((await first.next())?.id).toBe(ids[1]);
    first.close();

    await endBuildLog(redis, ref(build.id), 'failed');
    const resumed = await openEventStream(logsUrl(build.id, '?follow=1'), { token, lastEventId: ids[1] });
    const events = await resumed.rest();
    expect(events.map((e) => [e.event, e.data])).toEqual([
      ['line', JSON.stringify({ line: 'three' })],
      ['end', JSON.stringify({ status: 'failed' })],
    ]);
  });

  it('serves a finished build from the archive after its stream was deleted, and resumes within it', async () => {
    const build = await addBuild('running');
    await appendBuildLog(redis, ref(build.id), ['alpha', 'beta', 'gamma']);
    await endBuildLog(redis, ref(build.id), 'succeeded');
    await harness.controller.services.repos.buildLogs.create({
      tenant,
      id: build.id,
      status: 'succeeded',
      lines: ['alpha', 'beta', 'gamma'],
      truncated: false,
      finishedAt: '2025-11-26T07:05:00.000Z',
    });
    await setStatus(build, 'succeeded');
    await redis.del(buildLogKey(ref(build.id)));

    const stream = await openEventStream(logsUrl(build.id, '?follow=1'), { token });
    expect(await stream.rest()).toEqual([
      { event: 'line', id: 'a-1', data: JSON.stringify({ line: 'alpha' }) },
      { event: 'line', id: 'a-2', data: JSON.stringify({ line: 'beta' }) },
      { event: 'line', id: 'a-3', data: JSON.stringify({ line: 'gamma' }) },
      { event: 'end', data: JSON.stringify({ status: 'succeeded' }) },
    ]);
    const resumed = await openEventStream(logsUrl(build.id, '?follow=1'), { token, lastEventId: 'a-2' });
    expect((await resumed.rest()).map((e) => e.id ?? e.event)).toEqual(['a-3', 'end']);
  });

  it('waits for the stream of a queued build, then follows it', async () => {
    const build = await addBuild('queued');
    const stream = await openEventStream(logsUrl(build.id, '?follow=1'), { token });
    await sleep(300);
    await setStatus(build, 'running');
    await appendBuildLog(redis, ref(build.id), ['picked up by a builder']);
    await endBuildLog(redis, ref(build.id), 'succeeded');
    expect((await stream.rest()).map((e) => e.data)).toEqual([
      JSON.stringify({ line: 'picked up by a builder' }),
      JSON.stringify({ status: 'succeeded' }),
    ]);
  });

  it('ends the followers of a build that finished without an end entry (cancelled while queued)', async () => {
    const build = await addBuild('queued');
    const stream = await openEventStream(logsUrl(build.id, '?follow=1'), { token });
    await sleep(100);
    await setStatus(build, 'cancelled');
    expect(await stream.rest(5000)).toEqual([
      { event: 'end', data: JSON.stringify({ status: 'cancelled' }) },
    ]);
  });

  it('releases the Redis connection of a follower whose client disconnects', async () => {
    const before = await controllerConnections();
    const build = await addBuild('running');
    await appendBuildLog(redis, ref(build.id), ['hello']);
    const streams = await Promise.all(
      [1, 2, 3].map(() => openEventStream(logsUrl(build.id, '?follow=1'), { token })),
    );
    for (const stream of streams) expect((await stream.next())?.event).toBe('line');
    // Each follower blocks in XREAD on a connection of its own.
    await waitFor(async () => (await controllerConnections()) === before + 3);
    expect(harness.controller.services.buildLogs.followers).toBe(3);

    for (const stream of streams) stream.close();
    await waitFor(async () => (await controllerConnections()) === before);
    expect(harness.controller.services.buildLogs.followers).toBe(0);
  });
});

describe('a replica with followers open', () => {
  it('caps them, and on shutdown ends their streams at once and closes their connections', async () => {
    const own = await startHarness(
      { REDIS_URL: redisUrl, SLIPWAY_REDIS_PREFIX: prefix },
      { buildLogs: { blockMs: 30_000, maxFollowers: 1 } },
    );
    const user = await makeUser(own, 'sam');
    const id = `${tenant}-stop`;
    await makeTenant(own, id, [{ user: user.id, role: 'viewer' }]);
    const ownToken = (await makeToken(own, user.id, { tenant: id, role: 'viewer' })).token;
    const build = sampleBuild({ tenant: id, id: 'b-stopping', status: 'running' });
    await own.controller.services.repos.builds.create(build);
    await appendBuildLog(redis, ref(build.id, id), ['still going']);
    const stream = await openEventStream(`${own.url}/v1/tenants/${id}/builds/${build.id}/logs?follow=1`, {
      token: ownToken,
    });
    expect((await stream.next())?.event).toBe('line');
    // One follower is this replica's limit here: the next one is told to come back, not queued.
    const second = await own.call('GET', `/v1/tenants/${id}/builds/${build.id}/logs?follow=1`, {
      token: ownToken,
    });
    expect(second.status).toBe(503);
    expect(await second.json()).toMatchObject({ error: { code: 'too_many_followers' } });
    // A connection that never sends a request (HTTP clients open spares) must not hold the server open either.
    const { port } = new URL(own.url);
    const spare = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => spare.once('connect', resolve));
    const spareClosed = new Promise((resolve) => spare.once('close', resolve));

    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(3000);
    await spareClosed;
    // The stream closed without `end`: a client reconnects (to another replica) with Last-Event-ID.
    expect(await stream.rest(2000)).toEqual([]);
    const name = `slipway-controller:${own.controller.services.replica.id}`;
    await waitFor(async () => !((await redis.client('LIST')) as string).includes(` name=${name} `));
  });
});
