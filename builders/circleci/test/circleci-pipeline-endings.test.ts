import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildCheckRun, finished, type Harness, openHarness, type TestTenant } from './support/harness.js';

// The ways a pipeline ends without a workflow deciding it: CircleCI could not run the config, the
// config made no workflow, or the pipeline waits (on an approval) past the follow deadline.

let h: Harness;

beforeAll(async () => {
  h = await openHarness('cciend');
});

afterAll(async () => {
  await h?.close();
});

const checkRunOf = (t: TestTenant) => buildCheckRun(h, t);

/** Every output title the check run was given, in order. */
function titlesOf(t: TestTenant): string[] {
  const [owner = '', repo = ''] = t.fullName.split('/');
  return h.github.requests
    .filter(
      (r) =>
        (r.method === 'POST' || r.method === 'PATCH') &&
        r.path.startsWith(`/repos/${owner}/${repo}/check-runs`),
    )
    .map((r) => (r.body as { output?: { title?: string } }).output?.title ?? '');
}

async function pipelineOf(t: TestTenant) {
  for (;;) {
    const found = h.circleci.pipelines().find((p) => p.projectSlug === `gh/${t.fullName}`);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function expectNoDeploy(t: TestTenant) {
  const deploys = await h.queues.deploys.getJobs();
  expect(deploys.filter((job) => job.data.tenant === t.tenant)).toEqual([]);
}

describe('CircleCI pipelines that end without a deciding workflow', () => {
  it('fails at once, quoting CircleCI, when it could not run the config', async () => {
    const t = await h.tenant('errored');
    const message = "Unexpected argument(s): slipway_image_tag. Declare it under 'parameters' (line 3).";
    h.circleci.script({ outcome: 'errored', errors: [{ type: 'config', message }] });
    const worker = h.worker();
    try {
      await h.queues.circleciBuilds.add('build', t.job(), { jobId: t.jobId, attempts: 3 });
      const done = await finished(h.queues.circleciBuilds, t.jobId);
      expect(done).toMatchObject({ state: 'failed', attemptsMade: 1 });
      const pipeline = await pipelineOf(t);
      const run = checkRunOf(t);
      expect(run).toMatchObject({
        conclusion: 'failure',
        details_url: `https://app.circleci.com/pipelines/github/${t.fullName}/${pipeline.number}`,
      });
      expect(run.output.title).toBe('CircleCI could not run the pipeline');
      expect(run.output.summary).toContain(`- config: ${message}`);
      expect(h.circleci.requests.callsTo('GET', `/api/v2/pipeline/${pipeline.id}`).length).toBeGreaterThan(0);
      await expectNoDeploy(t);
    } finally {
      await worker.close();
    }
  });

  it('fails when the config made no workflow for the ref, once the grace period is over', async () => {
    const t = await h.tenant('noworkflow');
    h.circleci.script({ outcome: 'no-workflow' });
    const worker = h.worker({ noWorkflowMs: 500 });
    try {
      await h.queues.circleciBuilds.add('build', t.job(), { jobId: t.jobId });
      const done = await finished(h.queues.circleciBuilds, t.jobId);
      expect(done).toMatchObject({ state: 'failed', attemptsMade: 1 });
      const run = checkRunOf(t);
      expect(run.output.title).toBe('CircleCI ran no workflow');
      expect(run.output.summary).toContain('check the workflow filters');
      await expectNoDeploy(t);
    } finally {
      await worker.close();
    }
  });

  it('mirrors a workflow waiting for an approval, then gives up at the deadline and cancels it', async () => {
    const t = await h.tenant('onhold');
    h.circleci.script({ outcome: 'success', hold: true, heldStatus: 'on_hold' });
    const worker = h.worker({ timeoutMs: 2500 });
    try {
      await h.queues.circleciBuilds.add('build', t.job(), { jobId: t.jobId });
      const done = await finished(h.queues.circleciBuilds, t.jobId);
      expect(done).toMatchObject({ state: 'failed', attemptsMade: 1 });
      const pipeline = await pipelineOf(t);
      expect(titlesOf(t)).toContain(`CircleCI pipeline #${pipeline.number} waiting for an approval`);
      const run = checkRunOf(t);
      expect(run).toMatchObject({ conclusion: 'failure', details_url: pipeline.workflow.url });
      expect(run.output.title).toBe('CircleCI pipeline timed out');
      expect(run.output.summary).toContain('"build-and-push" on_hold');
      expect(
        h.circleci.requests.callsTo('POST', `/api/v2/workflow/${pipeline.workflow.id}/cancel`),
      ).toHaveLength(1);
      await h.circleci.settled(pipeline.id);
      expect(h.circleci.pipelines().find((p) => p.id === pipeline.id)?.workflow.status).toBe('canceled');
      await expectNoDeploy(t);
    } finally {
      await worker.close();
    }
  });
});
