import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { buildLogKey } from '@slipway/queue';
import { type PushPlatform, startPushPlatform } from '../src/push-platform.js';
import { WEB_SERVICE_YAML } from '../src/web-service.js';

const files = {
  'slipway.yaml': WEB_SERVICE_YAML,
  // The RUN keeps the build going long enough to follow it while it runs.
  Dockerfile:
    'FROM slipway/busybox:local\nRUN echo compiling && sleep 2 && echo compiled\nCOPY index.html /www/index.html\n',
  'index.html': '<h1>logs</h1>\n',
};

interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/** Reads a Server-Sent Events response until it ends; the events in order. */
async function readEvents(response: Response): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((line) => line && !line.startsWith(':'))
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]),
      );
      if (fields.event) events.push({ event: fields.event, id: fields.id, data: fields.data ?? '' });
      end = buffer.indexOf('\n\n');
    }
  }
  return events;
}

jest.setTimeout(180_000);

describe('live build logs through the controller (builder → Redis stream → SSE → state store)', () => {
  let platform: PushPlatform;
  let api: NonNullable<PushPlatform['api']>;

  beforeAll(async () => {
    platform = await startPushPlatform({ files, api: true });
    api = platform.api!;
    const created = await api.request('POST', '/v1/tenants', { id: platform.tenant, name: 'E2E' });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('follows a running build to its end, then serves the archived log once the stream is gone', async () => {
    const sha = platform.repo.sha;
    expect((await platform.sendPush(sha)).status).toBe(200);

    // The build appears in the API as soon as a builder takes it.
    let buildId: string | undefined;
    for (let i = 0; i < 300 && !buildId; i++) {
      const list = await api.request('GET', `/v1/tenants/${platform.tenant}/builds?service=web`);
      buildId = (list.body as { items: { id: string; commit: string }[] }).items.find(
        (b) => b.commit === sha,
      )?.id;
      if (!buildId) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(buildId).toBeDefined();

    const response = await fetch(`${api.url}/v1/tenants/${platform.tenant}/builds/${buildId}/logs?follow=1`, {
      headers: { authorization: `Bearer ${api.adminToken}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readEvents(response);
    const lines = events
      .filter((e) => e.event === 'line')
      .map((e) => (JSON.parse(e.data) as { line: string }).line);
    expect(lines.join('\n')).toContain('compiled');
    expect(lines.some((line) => line.startsWith('Release '))).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: 'end', data: JSON.stringify({ status: 'succeeded' }) });

    // The builder ends the stream, archives it, then records the Build: a moment after the end entry.
    let build = await api.request('GET', `/v1/tenants/${platform.tenant}/builds/${buildId}`);
    for (let i = 0; i < 100 && (build.body as { status: string }).status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      build = await api.request('GET', `/v1/tenants/${platform.tenant}/builds/${buildId}`);
    }
    expect(build.body).toMatchObject({ status: 'succeeded', commit: sha, releaseId: expect.any(String) });
    const releases = await api.request('GET', `/v1/tenants/${platform.tenant}/releases?service=web`);
    expect((releases.body as { items: { id: string }[] }).items.map((r) => r.id)).toEqual([
      (build.body as { releaseId: string }).releaseId,
    ]);

    // The live stream expires after a week; the archive in the state store takes over.
    await platform.redis.del(
      buildLogKey({ tenant: platform.tenant, buildId: buildId!, prefix: platform.prefix }),
    );
    const archived = await api.request('GET', `/v1/tenants/${platform.tenant}/builds/${buildId}/logs`);
    expect(archived.body).toMatchObject({ source: 'archive', status: 'succeeded' });
    expect((archived.body as { lines: { line: string }[] }).lines.map((l) => l.line)).toEqual(lines);
  });
});
