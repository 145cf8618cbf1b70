// A controller without REDIS_URL: finished builds' logs come from the archive; a running build's
// log is a clear 503. Event streams still pass through authentication and rate limits.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BuildStatus } from '@slipway/core';
import { type Harness, makeTenant, makeToken, makeUser, startHarness } from './support/api-harness.js';
import { openEventStream } from './support/event-stream.js';
import { sampleBuild } from './support/records.js';

const tenant = `arch-${randomBytes(3).toString('hex')}`;
let harness: Harness;
let token: string;

async function addBuild(status: BuildStatus, lines?: string[]) {
  const build = sampleBuild({ tenant, id: `b-${randomBytes(6).toString('hex')}`, status });
  const { repos } = harness.controller.services;
  await repos.builds.create(build);
  if (lines) {
    await repos.buildLogs.create({
      tenant,
      id: build.id,
      status: 'succeeded',
      lines,
      truncated: true,
      finishedAt: '2025-11-26T07:05:00.000Z',
    });
  }
  return build;
}
const logsUrl = (id: string, query = '') => `${harness.url}/v1/tenants/${tenant}/builds/${id}/logs${query}`;

beforeAll(async () => {
  harness = await startHarness({ SLIPWAY_RATE_LIMIT_PER_MINUTE: '12' });
  const viewer = await makeUser(harness, 'ada');
  await makeTenant(harness, tenant, [{ user: viewer.id, role: 'viewer' }]);
  token = (await makeToken(harness, viewer.id, { tenant, role: 'viewer' })).token;
});
afterAll(async () => {
  await harness.close();
});

describe('build logs without Redis', () => {
  it('serves a finished build from the archive, as JSON and as events', async () => {
    const build = await addBuild('succeeded', [
      'Step 1/1 : FROM slipway/busybox:local',
      'Successfully built',
    ]);
    const response = await harness.call('GET', `/v1/tenants/${tenant}/builds/${build.id}/logs`, { token });
    expect(await response.json()).toEqual({
      buildId: build.id,
      source: 'archive',
      lines: [
        { id: 'a-1', line: 'Step 1/1 : FROM slipway/busybox:local' },
        { id: 'a-2', line: 'Successfully built' },
      ],
      status: 'succeeded',
      truncated: true,
    });
    const stream = await openEventStream(logsUrl(build.id, '?follow=true'), { token });
    expect(stream.status).toBe(200);
    // Rate limiting ran for the stream like for any call.
    expect(stream.headers.get('x-ratelimit-limit')).toBe('12');
    expect((await stream.rest()).map((e) => e.event)).toEqual(['line', 'line', 'end']);
  });

  it('ends a finished build without an archive at once, with its status', async () => {
    const build = await addBuild('cancelled');
    const stream = await openEventStream(logsUrl(build.id, '?follow=1'), { token });
    expect(await stream.rest()).toEqual([{ event: 'end', data: JSON.stringify({ status: 'cancelled' }) }]);
  });

  it('answers 503 live_log_unavailable for a running build, followed or not', async () => {
    const build = await addBuild('running');
    for (const query of ['', '?follow=1']) {
      const response = await harness.call('GET', `/v1/tenants/${tenant}/builds/${build.id}/logs${query}`, {
        token,
      });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('live_log_unavailable');
      expect(body.error.message).toMatch(/set REDIS_URL/);
    }
  });

  it('refuses an event stream over the rate limit with 429 before it opens', async () => {
    const build = await addBuild('succeeded', ['x']);
    let status = 200;
    for (let i = 0; i < 15 && status === 200; i++) {
      const response = await fetch(logsUrl(build.id, '?follow=1'), {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.text();
      status = response.status;
    }
    expect(status).toBe(429);
  });
});
