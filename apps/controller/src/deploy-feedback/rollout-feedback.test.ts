import { describe, expect, it } from '@jest/globals';
import { driveRollout, type Release, type ReleaseHealth, type Rollout, type Service } from '@slipway/core';
import { deployFeedbackJobSchema } from '@slipway/queue';
import { rolloutFeedbackJob, rolloutSequence, rolloutText, serviceUrl } from './rollout-feedback.js';

const sha = 'c'.repeat(40);
const origin = { installationId: 42, repository: { id: 7, fullName: 'acme/web' }, ref: 'refs/heads/main' };

const release = (id: string, fields: Partial<Release> = {}): Release => ({
  id,
  tenant: 'acme',
  service: 'web',
  environment: 'production',
  image: `127.0.0.1:5000/acme/web:${id}`,
  digest: `sha256:${'d'.repeat(64)}`,
  config: {
    port: 8080,
    resources: { cpuMillicores: 100, memoryMiB: 64 },
    health: { path: '/', intervalMs: 1000, timeoutMs: 500 },
    env: {},
    secrets: [],
  },
  commit: sha,
  buildId: null,
  origin,
  createdAt: '2026-11-26T14:00:00.000Z',
  ...fields,
});

const service = (replicas: number): Service => ({
  tenant: 'acme',
  environment: 'production',
  name: 'web',
  source: { kind: 'image', image: '127.0.0.1:5000/acme/web:1' },
  port: 8080,
  replicas,
  resources: { cpuMillicores: 100, memoryMiB: 64 },
  health: { path: '/', intervalMs: 1000, timeoutMs: 500 },
  env: {},
  secrets: [],
  domains: [],
  visibility: 'public',
  release: 'r-2',
});

const healthy = (n: number): ReleaseHealth => ({ healthy: n, failures: [] });

/** Every rollout state the engine writes for r-1 → r-2 (2 replicas), health reported as given. */
function drive(
  reports: ReadonlyArray<Record<string, ReleaseHealth>>,
  running: Record<string, number> = { 'r-1': 2 },
): Rollout[] {
  const written: Rollout[] = [];
  let latest: Rollout | undefined;
  let nowMs = Date.parse('2026-11-26T14:00:00.000Z');
  for (const health of [{}, ...reports]) {
    nowMs += 1000;
    const { writes } = driveRollout({
      service: service(2),
      latest,
      running,
      health,
      nowMs,
      progressDeadlineMs: 60_000,
      newRolloutId: () => 'ro-00mfx2k3a1-1a2b3c4d',
    });
    written.push(...writes);
    latest = writes.at(-1) ?? latest;
  }
  return written;
}

const url = 'http://web.acme.localhost:8080';

describe('serviceUrl', () => {
  it('names production services plainly and others <service>-<environment>', () => {
    const template = 'http://{service}.{tenant}.localhost:8080';
    expect(serviceUrl(template, { tenant: 'acme', service: 'web', environment: 'production' })).toBe(url);
    expect(serviceUrl(template, { tenant: 'acme', service: 'web', environment: 'pr-7' })).toBe(
      'http://web-pr-7.acme.localhost:8080',
    );
    expect(
      serviceUrl('https://{service}.{environment}.{tenant}.example.com', {
        tenant: 'acme',
        service: 'api',
        environment: 'staging',
      }),
    ).toBe('https://api-staging.staging.acme.example.com');
  });
});

describe('rolloutFeedbackJob', () => {
  it('reports a successful rollout step by step, ending with the URL, each state with a higher sequence', () => {
    const states = drive([
      { 'r-2': healthy(1), 'r-1': healthy(2) },
      { 'r-2': healthy(2), 'r-1': healthy(1) },
    ]);
    const jobs = states.map((rollout) => rolloutFeedbackJob(rollout, release('r-2'), url)!);
    expect(jobs.map((job) => [job.status, job.conclusion])).toEqual([
      ['in_progress', undefined],
      ['in_progress', undefined],
      ['completed', 'success'],
    ]);
    const sequences = jobs.map((job) => job.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(new Set(sequences).size).toBe(sequences.length);
    for (const job of jobs) expect(deployFeedbackJobSchema.safeParse(job).error).toBeUndefined();

    const last = jobs.at(-1)!;
    expect(last).toMatchObject({
      tenant: 'acme',
      environment: 'production',
      service: 'web',
      rolloutId: 'ro-00mfx2k3a1-1a2b3c4d',
      installationId: 42,
      repository: { id: 7, fullName: 'acme/web' },
      commit: sha,
      title: 'Deployed release r-2 (2 replicas)',
      completedAt: states.at(-1)!.finishedAt,
      url,
    });
    expect(last.summary).toContain(`**Live at** ${url}`);
    expect(last.summary.split('\n').filter((line) => /^\| \d+ \|/.test(line))).toEqual([
      '| 1 | start 1 replica of `r-2` | deploy | ✅ done |',
      '| 2 | wait until 1 of `r-2` are healthy | deploy | ✅ done |',
      '| 3 | stop 1 replica of `r-1` | deploy | ✅ done |',
      '| 4 | start 1 replica of `r-2` | deploy | ✅ done |',
      '| 5 | wait until 2 of `r-2` are healthy | deploy | ✅ done |',
      '| 6 | stop 1 replica of `r-1` | deploy | ✅ done |',
    ]);
    expect(jobs[0]!.title).toBe('Deploying release r-2: 1 of 6 steps done');
    expect(jobs[0]!.summary).toContain('| 2 | wait until 1 of `r-2` are healthy | deploy | ▶️ running |');
    expect(jobs[0]!.summary).not.toContain('Live at');
  });

  it('says why a crashing release failed and that the previous one serves again', () => {
    const crash = {
      'r-2': { healthy: 0, failures: ['web-0: exited — exited with code 1'] },
      'r-1': healthy(2),
    };
    const states = drive([crash, { 'r-1': healthy(2) }]);
    expect(states.map((s) => s.status)).toEqual(['running', 'rolling-back', 'failed']);
    const [, back, failed] = states.map((rollout) => rolloutFeedbackJob(rollout, release('r-2'), url)!);
    expect(back).toMatchObject({
      status: 'in_progress',
      title: 'Rolling back to release r-1: web-0: exited — exited with code 1',
    });
    expect(failed).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      title: 'Deploy failed; rolled back to release r-1',
    });
    expect(failed!.summary).toContain('**Failed:** web-0: exited — exited with code 1');
    expect(failed!.summary).toContain('Rolled back to release `r-1`: it serves again.');
    expect(failed!.summary).toContain('| 2 | wait until 1 of `r-2` are healthy | deploy | ❌ failed |');
    expect(failed!.summary).toMatch(/\| rollback \| ✅ done \|/);
    expect(failed!.summary).not.toContain('Live at');
    expect(failed!.sequence).toBeGreaterThan(back!.sequence);
  });

  it('says a failed first release had nothing to roll back to', () => {
    const crash = { 'r-2': { healthy: 0, failures: ['web-0: exited'] } };
    const [, failed] = drive([crash], {});
    const text = rolloutText(failed!, url);
    expect(failed?.status).toBe('failed');
    expect(text.title).toBe('Deploy of release r-2 failed');
    expect(text.summary).toContain('nothing to roll back to');
  });

  it('reports a superseded rollout cancelled, with the reason', () => {
    const [running] = drive([]);
    const cancelled: Rollout = {
      ...running!,
      status: 'cancelled',
      reason: 'superseded by release r-3',
      finishedAt: '2026-11-26T14:01:00.000Z',
    };
    const job = rolloutFeedbackJob(cancelled, release('r-2'), url);
    expect(job).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled',
      title: 'Cancelled: superseded by release r-3',
      completedAt: '2026-11-26T14:01:00.000Z',
    });
    expect(job!.sequence).toBeGreaterThan(rolloutSequence(running!));
  });

  it('leaves out rollouts of releases that did not come from GitHub', () => {
    const [rollout] = drive([]);
    expect(rolloutFeedbackJob(rollout!, release('r-2', { origin: undefined }), url)).toBeUndefined();
    expect(rolloutFeedbackJob(rollout!, release('r-2', { commit: null }), url)).toBeUndefined();
    expect(rolloutFeedbackJob(rollout!, undefined, url)).toBeUndefined();
  });

  it('shows no URL for an internal service', () => {
    const states = drive([{ 'r-2': healthy(1) }, { 'r-2': healthy(2) }]);
    const done = rolloutFeedbackJob(states.at(-1)!, release('r-2'), null);
    expect(done?.summary).toContain('The service is internal: it has no public URL.');
    expect(done?.url).toBeNull();
    expect(deployFeedbackJobSchema.safeParse(done).error).toBeUndefined();
  });
});
