// The deploy-feedback worker as `startGitHubApp` runs it: rollout states from the controller's
// queue become one "Slipway deploy / <service>" check run on the fake GitHub, created once and
// updated after, whatever order or how often the jobs arrive.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type DeployFeedbackJob, deployFeedbackJobId, enqueueDeployFeedback } from '@slipway/queue';
import { appliedSequenceKey } from '../src/deploy-feedback/index.js';
import { GitHubAppHarness, type HarnessRepo } from './support/github-app-harness.js';

const h = new GitHubAppHarness();
let repo: HarnessRepo;
let rollouts = 0;

beforeAll(async () => {
  await h.start();
  repo = await h.addRepo({ owner: 'acme', name: 'shop', files: { 'README.md': 'shop\n' } });
});
afterAll(() => h.close());

/** A fresh rollout id, so each test has its own check run. */
const newRollout = () => `ro-00mfx2k3a${rollouts++}-1a2b3c4d`;

function state(
  rolloutId: string,
  sequence: number,
  fields: Partial<DeployFeedbackJob> = {},
): DeployFeedbackJob {
  return {
    tenant: h.tenant,
    environment: 'production',
    service: 'shop',
    rolloutId,
    installationId: repo.installationId,
    repository: { id: repo.id, fullName: repo.fullName },
    commit: repo.git.sha,
    status: 'in_progress',
    title: `Deploying release r-shop-2: ${sequence} steps done`,
    summary: `| # | step | phase | status |\n| --- | --- | --- | --- |\n| 1 | start 1 replica of \`r-shop-2\` | deploy | step ${sequence} |`,
    startedAt: '2026-11-26T14:00:00.000Z',
    completedAt: null,
    sequence,
    ...fields,
  };
}

const succeeded = (rolloutId: string, sequence: number) =>
  state(rolloutId, sequence, {
    status: 'completed',
    conclusion: 'success',
    title: 'Deployed release r-shop-2 (2 replicas)',
    summary: `**Live at** http://shop.${h.tenant}.localhost:8080`,
    completedAt: '2026-11-26T14:02:00.000Z',
  });

/** Waits until the job is done and returns what the worker made of it. */
async function outcome(jobId: string): Promise<unknown> {
  for (let i = 0; i < 400; i++) {
    const state = await h.queues.deployFeedback.getJobState(jobId);
    if (state === 'completed') return (await h.queues.deployFeedback.getJob(jobId))?.returnvalue;
    if (state === 'failed')
      throw new Error(`job ${jobId} failed: ${(await h.queues.deployFeedback.getJob(jobId))?.failedReason}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`job ${jobId} was not handled within 10 s`);
}

async function apply(job: DeployFeedbackJob): Promise<unknown> {
  return outcome(await enqueueDeployFeedback(h.queues.deployFeedback, job));
}

/** The check-run calls the fake received for one rollout: [method, body] in order. */
function calls(rolloutId: string) {
  const runIds = new Set(
    h
      .checkRuns(repo)
      .filter((run) => run.external_id === rolloutId)
      .map((run) => run.id),
  );
  return h.fake.requests
    .filter(
      (r) =>
        (r.method === 'POST' &&
          r.path === `/repos/${repo.fullName}/check-runs` &&
          (r.body as { external_id?: string }).external_id === rolloutId) ||
        (r.method === 'PATCH' && runIds.has(Number(r.path.split('/').at(-1)))),
    )
    .map((r) => [r.method, r.body as Record<string, unknown>] as const);
}

const runsOf = (rolloutId: string) => h.checkRuns(repo).filter((run) => run.external_id === rolloutId);

describe('deploy feedback → "Slipway deploy / <service>" check run (fake GitHub, real Redis)', () => {
  it('creates the check run on first sight and updates it as the rollout moves, to success', async () => {
    const rollout = newRollout();
    expect(await apply(state(rollout, 1))).toBe('created');
    expect(await apply(state(rollout, 3))).toBe('updated');
    expect(await apply(succeeded(rollout, 7))).toBe('updated');

    const received = calls(rollout);
    expect(received.map(([method]) => method)).toEqual(['POST', 'PATCH', 'PATCH']);
    expect(received[0]![1]).toEqual({
      name: 'Slipway deploy / shop',
      head_sha: repo.git.sha,
      external_id: rollout,
      status: 'in_progress',
      started_at: '2026-11-26T14:00:00.000Z',
      output: { title: 'Deploying release r-shop-2: 1 steps done', summary: state(rollout, 1).summary },
    });
    expect(received[2]![1]).toEqual({
      status: 'completed',
      conclusion: 'success',
      started_at: '2026-11-26T14:00:00.000Z',
      completed_at: '2026-11-26T14:02:00.000Z',
      output: { title: 'Deployed release r-shop-2 (2 replicas)', summary: succeeded(rollout, 7).summary },
    });
    expect(runsOf(rollout)).toEqual([
      expect.objectContaining({
        name: 'Slipway deploy / shop',
        head_sha: repo.git.sha,
        status: 'completed',
        conclusion: 'success',
        output: expect.objectContaining({ title: 'Deployed release r-shop-2 (2 replicas)' }),
      }),
    ]);
    expect(await h.redis.get(appliedSequenceKey(h.prefix, { tenant: h.tenant, rolloutId: rollout }))).toBe(
      '7',
    );
    expect(
      await h.redis.ttl(appliedSequenceKey(h.prefix, { tenant: h.tenant, rolloutId: rollout })),
    ).toBeGreaterThan(0);
    expect(h.fake.requests.unhandled()).toEqual([]);
    expect(h.fake.serverErrors).toEqual([]);
  });

  it('drops a job older than the state shown, and a repeat of it, so a finished run stays finished', async () => {
    const rollout = newRollout();
    const failed = state(rollout, 9, {
      status: 'completed',
      conclusion: 'failure',
      title: 'Deploy failed; rolled back to release r-shop-1',
      summary:
        '**Failed:** web-0: exited — exited with code 1\n\nRolled back to release `r-shop-1`: it serves again.',
      completedAt: '2026-11-26T14:03:00.000Z',
    });
    expect(await apply(failed)).toBe('created');
    expect(await apply(state(rollout, 4))).toBe('stale'); // arrived late
    // The same state enqueued again is the same job: nothing new to do.
    await enqueueDeployFeedback(h.queues.deployFeedback, failed);
    expect(await h.queues.deployFeedback.getJobCounts('waiting', 'active', 'delayed')).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
    });
    // Even under another job id (a second controller), an equal sequence changes nothing.
    const again = await h.queues.deployFeedback.add('deploy-feedback', failed, {
      jobId: `${h.tenant}.${rollout}.9-again`,
    });
    expect(await outcome(again.id!)).toBe('stale');

    expect(calls(rollout).map(([method]) => method)).toEqual(['POST']);
    expect(runsOf(rollout)).toEqual([
      expect.objectContaining({
        status: 'completed',
        conclusion: 'failure',
        output: expect.objectContaining({ summary: failed.summary }),
      }),
    ]);
  });

  it('updates the run it finds instead of creating a second one when a job is retried after GitHub took it', async () => {
    const rollout = newRollout();
    expect(await apply(state(rollout, 2))).toBe('created');
    // A worker that died after creating the run but before recording it: the next try only finds it.
    await h.redis.del(appliedSequenceKey(h.prefix, { tenant: h.tenant, rolloutId: rollout }));
    const retried = await h.queues.deployFeedback.add('deploy-feedback', state(rollout, 2), {
      jobId: `${deployFeedbackJobId(state(rollout, 2))}-retry`,
    });
    expect(await outcome(retried.id!)).toBe('updated');
    expect(runsOf(rollout)).toHaveLength(1);
    expect(calls(rollout).map(([method]) => method)).toEqual(['POST', 'PATCH']);
  });

  it('fails a job GitHub refuses for good (suspended installation) at once, naming what to check', async () => {
    const rollout = newRollout();
    h.fake.setInstallationSuspended(repo.installationId, true);
    try {
      const id = await enqueueDeployFeedback(h.queues.deployFeedback, state(rollout, 1));
      await expect(outcome(id)).rejects.toThrow(/GitHub 403.*Not retried; check the app's permissions/);
      expect((await h.queues.deployFeedback.getJob(id))?.attemptsMade).toBe(1);
    } finally {
      h.fake.setInstallationSuspended(repo.installationId, false);
    }
    expect(runsOf(rollout)).toEqual([]);
    // Nothing was recorded as shown: the next state creates the run.
    expect(await apply(state(rollout, 2))).toBe('created');
  });

  it('ends on the newest state when every state of a rollout arrives at once, in any order', async () => {
    const rollout = newRollout();
    const sequences = [5, 2, 8, 1, 6, 3];
    const ids = await Promise.all(
      sequences.map((sequence) =>
        enqueueDeployFeedback(
          h.queues.deployFeedback,
          sequence === 8 ? succeeded(rollout, 8) : state(rollout, sequence),
        ),
      ),
    );
    const outcomes = await Promise.all(ids.map(outcome));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(runsOf(rollout)).toEqual([
      expect.objectContaining({ status: 'completed', conclusion: 'success' }),
    ]);
    expect(calls(rollout).filter(([method]) => method === 'POST')).toHaveLength(1);
    expect(calls(rollout).at(-1)![1]).toMatchObject({ conclusion: 'success' });
  });
});
