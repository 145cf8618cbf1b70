import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeCircleci, startFakeCircleci } from './fake-circleci.js';

let fake: FakeCircleci;

beforeAll(async () => {
  fake = await startFakeCircleci({ token: 'cci-good' });
  fake.addProject('gh/acme/web', { parameters: ['slipway_image_repository', 'slipway_image_tag'] });
});

afterAll(async () => {
  await fake.close();
  await fake.close(); // idempotent
});

const api = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
  fetch(`${fake.url}/api/v2${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.token ? { 'Circle-Token': init.token } : {}) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

const trigger = (body: unknown, token = 'cci-good') =>
  api('/project/gh/acme/web/pipeline', { method: 'POST', token, body });

describe('fake CircleCI', () => {
  it('refuses a missing or wrong token with 401, an unknown project with 404', async () => {
    expect((await trigger({ branch: 'main' }, 'cci-bad')).status).toBe(401);
    expect(
      (await api('/project/gh/acme/web/pipeline', { method: 'POST', body: { branch: 'main' } })).status,
    ).toBe(401);
    const unknown = await api('/project/gh/acme/other/pipeline', {
      method: 'POST',
      token: 'cci-good',
      body: { branch: 'main' },
    });
    expect(unknown.status).toBe(404);
  });

  it('wants exactly one of branch and tag, and only declared parameters', async () => {
    expect((await trigger({ branch: 'main', tag: 'v1' })).status).toBe(400);
    const undeclared = await trigger({ branch: 'main', parameters: { image: 'x' } });
    expect(undeclared.status).toBe(400);
    expect(await undeclared.json()).toEqual({ message: 'Unexpected argument(s): image' });
  });

  it('runs a scripted pipeline and lists its workflow as running, then as ended', async () => {
    fake.script({ outcome: 'failed', hold: true });
    const created = await trigger({ branch: 'main', parameters: { slipway_image_tag: 'abc' } });
    expect(created.status).toBe(201);
    const { id, number } = (await created.json()) as { id: string; number: number };
    const list = async () =>
      (
        (await (await api(`/pipeline/${id}/workflow`, { token: 'cci-good' })).json()) as {
          items: Array<{ status: string; pipeline_number: number }>;
        }
      ).items;
    // Held: it runs until the test lets it end.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await list()).toMatchObject([{ status: 'running', pipeline_number: number }]);
    await fake.finish(id);
    expect(await list()).toMatchObject([{ status: 'failed' }]);
    expect(fake.pipelines().find((p) => p.id === id)).toMatchObject({
      branch: 'main',
      parameters: { slipway_image_tag: 'abc' },
    });
    expect(fake.requests.callsTo('GET', `/api/v2/pipeline/${id}/workflow`)).toHaveLength(2);
  });

  it('describes a pipeline: created, or errored with its errors and never a workflow', async () => {
    const message = 'Unable to parse YAML: mapping values are not allowed here (line 4)';
    fake.script({ outcome: 'errored', errors: [{ type: 'config', message }] });
    fake.script({ outcome: 'success' });
    const errored = (await (await trigger({ branch: 'main' })).json()) as { id: string; number: number };
    const created = (await (await trigger({ tag: 'v1' })).json()) as { id: string };
    await Promise.all([fake.settled(errored.id), fake.settled(created.id)]);
    const read = async (id: string) => (await api(`/pipeline/${id}`, { token: 'cci-good' })).json();
    expect(await read(errored.id)).toMatchObject({
      id: errored.id,
      number: errored.number,
      state: 'errored',
      errors: [{ type: 'config', message }],
      project_slug: 'gh/acme/web',
      vcs: { branch: 'main' },
    });
    const listed = await api(`/pipeline/${errored.id}/workflow`, { token: 'cci-good' });
    expect(await listed.json()).toEqual({ next_page_token: null, items: [] });
    expect(await read(created.id)).toMatchObject({ state: 'created', errors: [], vcs: { tag: 'v1' } });
    expect((await api('/pipeline/nope', { token: 'cci-good' })).status).toBe(404);
    expect((await api(`/pipeline/${created.id}`, { token: 'cci-bad' })).status).toBe(401);
  });

  it("sends workflow-completed webhooks signed v1=HMAC-SHA256 of the raw body, CircleCI's format", async () => {
    const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      fake.setWebhook({
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        secret: 'wh',
      });
      fake.script({ outcome: 'success' });
      const { id } = (await (await trigger({ branch: 'main' })).json()) as { id: string };
      await fake.settled(id);
      expect(received).toHaveLength(1);
      const [hook] = received;
      const signature = `v1=${createHmac('sha256', 'wh')
        .update(hook?.body ?? '')
        .digest('hex')}`;
      expect(hook?.headers).toMatchObject({
        'circleci-event-type': 'workflow-completed',
        'circleci-signature': signature,
      });
      expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
        type: 'workflow-completed',
        workflow: { status: 'success' },
        pipeline: { id },
        project: { slug: 'gh/acme/web' },
      });
      expect(fake.serverErrors).toEqual([]);
    } finally {
      fake.setWebhook(undefined);
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
