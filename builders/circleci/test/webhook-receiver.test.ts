import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { circleciSignature, signWorkflowCompleted } from '@slipway/fakes';
import { workflowEventsKey } from '../src/index.js';
import { type Harness, openHarness } from './support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await openHarness('cciwh');
});

afterAll(async () => {
  await h?.close();
});

const completed = (pipelineId: string) => ({
  pipeline: { id: pipelineId, number: 7, createdAt: new Date().toISOString(), branch: 'main' },
  workflow: {
    id: 'wf-1',
    name: 'build-and-push',
    createdAt: new Date().toISOString(),
    stoppedAt: new Date().toISOString(),
    url: 'https://app.circleci.com/pipelines/github/acme/web/7/workflows/wf-1',
    status: 'success',
  },
  project: { slug: 'gh/acme/web' },
});

async function post(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('CircleCI webhook receiver', () => {
  it("records a workflow-completed event signed with the tenant's secret", async () => {
    const t = await h.tenant('good');
    const signed = signWorkflowCompleted(completed('p-good'), t.webhookSecret);
    expect(await post(t.webhookUrl, signed.body, signed.headers)).toEqual({
      status: 200,
      body: { recorded: true },
    });
    const recorded = await h.redis.hgetall(workflowEventsKey(h.prefix, t.tenant, 'p-good'));
    expect(JSON.parse(recorded['wf-1'] ?? '{}')).toMatchObject({ status: 'success', name: 'build-and-push' });
  });

  it('answers 401 to a bad signature, and to another tenant’s secret, and records nothing', async () => {
    const t = await h.tenant('bad');
    const other = await h.tenant('other');
    const wrong = signWorkflowCompleted(completed('p-bad'), 'not-the-secret');
    const refused = await post(t.webhookUrl, wrong.body, wrong.headers);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: 'BAD_SIGNATURE' } });
    const theirs = signWorkflowCompleted(completed('p-bad'), other.webhookSecret);
    expect((await post(t.webhookUrl, theirs.body, theirs.headers)).status).toBe(401);
    const good = signWorkflowCompleted(completed('p-bad'), t.webhookSecret);
    const tampered = good.body.replace('"success"', '"failed"');
    expect((await post(t.webhookUrl, tampered, good.headers)).status).toBe(401);
    const { 'circleci-signature': _dropped, ...unsigned } = good.headers;
    expect((await post(t.webhookUrl, good.body, unsigned)).status).toBe(401);
    expect(await h.redis.exists(workflowEventsKey(h.prefix, t.tenant, 'p-bad'))).toBe(0);
  });

  it('acknowledges other event types without recording them, and refuses unknown paths', async () => {
    const t = await h.tenant('ping');
    const body = JSON.stringify({ type: 'job-completed', id: 'x' });
    const headers = {
      'content-type': 'application/json',
      'circleci-signature': circleciSignature(body, t.webhookSecret),
    };
    expect(await post(t.webhookUrl, body, headers)).toEqual({ status: 202, body: { ignored: true } });
    expect((await post(`${h.webhooks.url}/elsewhere`, body, headers)).status).toBe(404);
  });
});
