import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildIdFor } from '@slipway/builder-docker';
import { markLatestBuild } from '@slipway/queue';
import { buildKey, buildLogArchiveKey, releaseKey } from '@slipway/state';
import { CircleciClient } from '../src/index.js';
import {
  buildCheckRun,
  finished,
  type Harness,
  openHarness,
  REGISTRY,
  type TestTenant,
} from './support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await openHarness('cci');
});

afterAll(async () => {
  await h?.close();
});

const checkRun = (t: TestTenant) => buildCheckRun(h, t);

async function enqueue(t: TestTenant, options: { attempts?: number } = {}) {
  await h.queues.circleciBuilds.add('build', t.job(), {
    jobId: t.jobId,
    ...(options.attempts ? { attempts: options.attempts, backoff: { type: 'fixed', delay: 100 } } : {}),
  });
}

describe('CircleCI hand-off', () => {
  it('follows a pipeline to its webhook, verifies the image, records the Release and enqueues the deploy', async () => {
    const t = await openTenant('ok');
    h.circleci.setWebhook({ url: t.webhookUrl, secret: t.webhookSecret });
    h.circleci.script({ outcome: 'success', work: (pipeline) => h.pushFromParameters(pipeline.parameters) });
    // Polling so slow it never answers within the test: only the webhook can end the pipeline.
    const worker = h.worker({ pollIntervalMs: 10 * 60_000 });
    try {
      await enqueue(t);
      const done = await finished(h.queues.circleciBuilds, t.jobId);
      expect(done.state).toBe('completed');

      const [pipeline] = h.circleci.pipelines().filter((p) => p.projectSlug === `gh/${t.fullName}`);
      expect(pipeline).toMatchObject({
        branch: 'main',
        parameters: { slipway_image_repository: `${REGISTRY}/${t.tenant}/web`, slipway_image_tag: t.sha },
      });
      const trigger = h.circleci.requests.callsTo('POST', `/api/v2/project/gh/${t.fullName}/pipeline`);
      expect(trigger).toHaveLength(1);
      expect(trigger[0]?.headers['circle-token']).toBe(h.circleci.token);
      expect(trigger[0]?.status).toBe(201);

      const image = await h.registry.imageExists({ repository: `${t.tenant}/web`, tag: t.sha });
      const releaseId = (done.returnvalue as { releaseId: string }).releaseId;
      const stored = await h.repos.releases.get(
        releaseKey({ tenant: t.tenant, environment: 'production', service: 'web', id: releaseId }),
      );
      expect(stored?.value).toMatchObject({
        image: `${REGISTRY}/${t.tenant}/web:${t.sha}`,
        digest: image?.digest,
        commit: t.sha,
        origin: {
          installationId: t.installationId,
          repository: { fullName: t.fullName },
          ref: 'refs/heads/main',
        },
      });
      const deploy = await h.queues.deploys.getJob(releaseId);
      expect(deploy?.data).toMatchObject({ tenant: t.tenant, service: 'web', releaseId, commit: t.sha });

      const run = checkRun(t);
      expect(run).toMatchObject({
        status: 'completed',
        conclusion: 'success',
        details_url: pipeline?.workflow.url,
      });
      expect(run.output.summary).toContain(image?.digest);
      const build = await h.repos.builds.get(
        buildKey({ tenant: t.tenant, id: (done.returnvalue as { buildId: string }).buildId }),
      );
      expect(build?.value).toMatchObject({ builder: 'circleci', status: 'succeeded', releaseId });
      // The hand-off's log outlives its Redis stream, as a native build's does.
      const archived = await h.repos.buildLogs.get(
        buildLogArchiveKey({ tenant: t.tenant, id: build?.value.id ?? '' }),
      );
      expect(archived?.value.status).toBe('succeeded');
      expect(archived?.value.lines.join('\n')).toContain(`Workflow: ${pipeline?.workflow.url}`);
      expect(archived?.value.lines.join('\n')).toContain(`Release ${releaseId} recorded`);
      expect(h.circleci.serverErrors).toEqual([]);
    } finally {
      h.circleci.setWebhook(undefined);
      await worker.close();
    }
  });

  it('concludes the check run failure when the workflow fails (found by polling), with the workflow linked', async () => {
    const t = await openTenant('fail');
    h.circleci.script({ outcome: 'failed' });
    const worker = h.worker();
    try {
      await enqueue(t);
      const done = await finished(h.queues.circleciBuilds, t.jobId);
      expect(done).toMatchObject({ state: 'failed', attemptsMade: 1 });
      const [pipeline] = h.circleci.pipelines().filter((p) => p.projectSlug === `gh/${t.fullName}`);
      const run = checkRun(t);
      expect(run).toMatchObject({ conclusion: 'failure', details_url: pipeline?.workflow.url });
      expect(run.output.title).toBe('CircleCI workflow failed');
      expect(run.output.summary).toContain(`pipeline #${pipeline?.number} ended failed`);
      const archived = await h.repos.buildLogs.get(
        buildLogArchiveKey({
          tenant: t.tenant,
          id: buildIdFor({ tenant: t.tenant, service: 'web', environment: 'production', sha: t.sha }),
        }),
      );
      expect(archived?.value.status).toBe('failed');
      expect(archived?.value.lines.at(-1)).toContain(`pipeline #${pipeline?.number} ended failed`);
      const deploys = await h.queues.deploys.getJobs();
      expect(deploys.filter((job) => job.data.tenant === t.tenant)).toEqual([]);
    } finally {
      await worker.close();
    }
  });

  it('concludes the check run cancelled when the workflow is cancelled on CircleCI', async () => {
    const t = await openTenant('cancel');
    h.circleci.setWebhook({ url: t.webhookUrl, secret: t.webhookSecret });
    h.circleci.script({ outcome: 'canceled' });
    const worker = h.worker({ pollIntervalMs: 10 * 60_000 });
    try {
      await enqueue(t);
      const done = await finished(h.queues.circleciBuilds, t.jobId);
      expect(done.state).toBe('failed');
      const run = checkRun(t);
      expect(run).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
      expect(run.output.title).toBe('Cancelled on CircleCI');
    } finally {
      h.circleci.setWebhook(undefined);
      await worker.close();
    }
  });

  it('fails the check run naming the missing image when the pipeline succeeded without pushing it', async () => {
    const t = await openTenant('noimage');
    h.circleci.script({ outcome: 'success' });
    const worker = h.worker();
    try {
      await enqueue(t);
      const done = await finished(h.queues.circleciBuilds, t.jobId);
      expect(done).toMatchObject({ state: 'failed', attemptsMade: 1 });
      const run = checkRun(t);
      expect(run).toMatchObject({ conclusion: 'failure' });
      expect(run.output.title).toBe('Image missing after the CircleCI pipeline');
      expect(run.output.summary).toContain(`${REGISTRY}/${t.tenant}/web:${t.sha}`);
      expect(run.output.summary).toContain(`tag ${t.sha} is missing`);
    } finally {
      await worker.close();
    }
  });

  it('retries an unreachable CircleCI with backoff, then fails the check run saying so', async () => {
    const t = await openTenant('down');
    // A port nothing listens on: every call is refused, as when CircleCI cannot be reached.
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    const worker = h.worker({ client: new CircleciClient({ baseUrl: nowhere, logger: h.logger }) });
    try {
      await enqueue(t, { attempts: 3 });
      const done = await finished(h.queues.circleciBuilds, t.jobId);
      expect(done).toMatchObject({ state: 'failed', attemptsMade: 3 });
      const [owner = '', repo = ''] = t.fullName.split('/');
      const writes = h.github.requests
        .filter(
          (r) =>
            (r.method === 'POST' || r.method === 'PATCH') &&
            r.path.startsWith(`/repos/${owner}/${repo}/check-runs`),
        )
        .map((r) => r.body as { output?: { title?: string } });
      expect(writes.filter((w) => w.output?.title === 'Retrying')).toHaveLength(2);
      const run = checkRun(t);
      expect(run).toMatchObject({ conclusion: 'failure' });
      expect(run.output.title).toBe('CircleCI unreachable');
      expect(run.output.summary).toContain(`CircleCI at ${nowhere} did not answer`);
      expect(run.output.summary).toContain('retried with backoff');
    } finally {
      await worker.close();
    }
  });

  it('cancels the build and its CircleCI workflow when a newer push supersedes it while CircleCI runs', async () => {
    const t = await openTenant('newer');
    h.circleci.script({ outcome: 'success', hold: true });
    const worker = h.worker();
    try {
      await enqueue(t);
      const pipeline = await triggeredFor(t);
      const newer = 'f'.repeat(40);
      await markLatestBuild(
        h.redis,
        { tenant: t.tenant, service: 'web', ref: 'refs/heads/main', prefix: h.prefix },
        newer,
        Date.now() + 1000,
      );
      const done = await finished(h.queues.circleciBuilds, t.jobId);
      expect(done).toMatchObject({
        state: 'completed',
        returnvalue: { status: 'cancelled', supersededBy: newer },
      });
      expect(
        h.circleci.requests.callsTo('POST', `/api/v2/workflow/${pipeline.workflow.id}/cancel`),
      ).toHaveLength(1);
      await h.circleci.settled(pipeline.id);
      expect(h.circleci.pipelines().find((p) => p.id === pipeline.id)?.workflow.status).toBe('canceled');
      const run = checkRun(t);
      expect(run).toMatchObject({ conclusion: 'cancelled' });
      expect(run.output.title).toBe('Superseded by fffffff');
      const deploys = await h.queues.deploys.getJobs();
      expect(deploys.filter((job) => job.data.tenant === t.tenant)).toEqual([]);
    } finally {
      await worker.close();
    }
  });

  it('fails at once, without retrying, what retrying cannot change: policy, no token, a token CircleCI refuses', async () => {
    const refusedByPolicy = await h.tenant('policy', { allowCircleci: false });
    const withoutToken = await h.tenant('notoken', { token: null });
    const badToken = await h.tenant('badtoken', { token: 'cci-wrong' });
    const worker = h.worker();
    try {
      for (const t of [refusedByPolicy, withoutToken, badToken]) await enqueue(t, { attempts: 3 });
      for (const t of [refusedByPolicy, withoutToken, badToken])
        expect(await finished(h.queues.circleciBuilds, t.jobId)).toMatchObject({
          state: 'failed',
          attemptsMade: 1,
        });
      expect(checkRun(refusedByPolicy).output.title).toBe("Not allowed by the tenant's policy");
      expect(checkRun(refusedByPolicy).output.summary).toContain('permissions.allowedBuilders');
      expect(checkRun(withoutToken).output).toMatchObject({ title: 'CircleCI token missing' });
      expect(checkRun(withoutToken).output.summary).toContain('CIRCLECI_TOKEN');
      expect(checkRun(badToken).output.title).toBe('CircleCI refused the request');
      expect(checkRun(badToken).output.summary).toContain('401: Invalid token provided.');
      expect(checkRun(badToken).output.summary).not.toContain('cci-wrong');
      const triggered = h.circleci.pipelines().map((p) => p.projectSlug);
      for (const t of [refusedByPolicy, withoutToken, badToken])
        expect(triggered).not.toContain(`gh/${t.fullName}`);
    } finally {
      await worker.close();
    }
  });

  it('never writes the CircleCI token to a log line, even at debug level', async () => {
    const t = await openTenant('quiet');
    h.circleci.script({ outcome: 'success', work: (pipeline) => h.pushFromParameters(pipeline.parameters) });
    const worker = h.worker();
    try {
      await enqueue(t);
      expect((await finished(h.queues.circleciBuilds, t.jobId)).state).toBe('completed');
    } finally {
      await worker.close();
    }
    const calls = h.logLines.filter((line) => line.includes('CircleCI API call'));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.some((line) => line.includes('"level":20'))).toBe(true);
    expect(h.logLines.filter((line) => line.includes(h.circleci.token))).toEqual([]);
  });
});

/** The pipeline the tenant's build triggered, once the fake has it. */
async function triggeredFor(t: TestTenant) {
  for (;;) {
    const found = h.circleci.pipelines().find((p) => p.projectSlug === `gh/${t.fullName}`);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function openTenant(name: string): Promise<TestTenant> {
  return h.tenant(name);
}

async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
