import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { examplePayload } from '@slipway/fakes';
import { latestBuild, webhookJobId } from '@slipway/queue';
import { pino } from 'pino';
import { githubAppConfigFromEnv } from '../src/config.js';
import { GitHubAppStartError, startGitHubApp } from '../src/start-github-app.js';
import { GitHubAppHarness, type HarnessRepo } from './support/github-app-harness.js';

const slipwayYaml = (extra: string[] = []) =>
  [
    'services:',
    '  web:',
    '    build: {}',
    '    port: 8080',
    ...extra,
    'branches:',
    '  main: production',
    '',
  ].join('\n');

describe('startGitHubApp end to end (signed webhooks, real Redis, local state store, fake GitHub)', () => {
  const h = new GitHubAppHarness();

  beforeAll(() => h.start());
  afterAll(async () => {
    await h.close();
    await h.close(); // idempotent
  });

  const pushPayload = (repo: HarnessRepo, sha: string, branch = 'main') =>
    examplePayload('push', {
      repository: { owner: repo.owner, name: repo.name, id: repo.id },
      installationId: repo.installationId,
      sha,
      ref: branch,
    });

  it('turns a signed push into a build job, a queued check run and the latest-build marker', async () => {
    const repo = await h.addRepo({ owner: 'acme', name: 'web', files: { 'slipway.yaml': slipwayYaml() } });
    const sha = repo.git.sha;
    const delivered = await h.deliver('push', pushPayload(repo, sha));
    expect(delivered).toMatchObject({ status: 200, state: 'completed', returnvalue: 'builds-queued' });

    const jobId = `${h.tenant}.web.production.${sha}`;
    const job = await h.queues.builds.getJob(jobId);
    expect(job?.data).toMatchObject({
      tenant: h.tenant,
      service: 'web',
      environment: 'production',
      commit: sha,
      ref: 'refs/heads/main',
      deliveryId: delivered.deliveryId,
    });
    expect(h.checkRuns(repo)).toEqual([
      expect.objectContaining({
        name: 'Slipway build / web',
        head_sha: sha,
        status: 'queued',
        external_id: jobId,
      }),
    ]);
    const line = { tenant: h.tenant, service: 'web', ref: 'refs/heads/main', prefix: h.prefix };
    expect(await latestBuild(h.redis, line)).toBe(sha);
    expect(h.fake.requests.unhandled()).toEqual([]);
    expect(h.fake.serverErrors).toEqual([]);
  });

  it('builds a commit promoted to another branch again, for that environment', async () => {
    const repo = await h.addRepo({
      owner: 'acme',
      name: 'promoted',
      files: {
        'slipway.yaml': slipwayYaml().replace('  main: production', '  main: production\n  staging: staging'),
      },
    });
    const sha = repo.git.sha;
    await repo.git.createBranch('staging', sha);
    expect(await h.deliver('push', pushPayload(repo, sha))).toMatchObject({ returnvalue: 'builds-queued' });
    // The same commit pushed to the staging branch: staging gets its own build, Release and deploy.
    expect(await h.deliver('push', pushPayload(repo, sha, 'staging'))).toMatchObject({
      returnvalue: 'builds-queued',
    });
    const production = await h.queues.builds.getJob(`${h.tenant}.web.production.${sha}`);
    const staging = await h.queues.builds.getJob(`${h.tenant}.web.staging.${sha}`);
    expect(production?.data).toMatchObject({ environment: 'production', ref: 'refs/heads/main' });
    expect(staging?.data).toMatchObject({ environment: 'staging', ref: 'refs/heads/staging' });
    expect(
      h
        .checkRuns(repo)
        .map((run) => [run.name, run.external_id])
        .sort(),
    ).toEqual([
      ['Slipway build / web', `${h.tenant}.web.production.${sha}`],
      ['Slipway build / web', `${h.tenant}.web.staging.${sha}`],
    ]);
  });
  it('builds a delivery sent twice once', async () => {
    const repo = await h.addRepo({ owner: 'acme', name: 'twice', files: { 'slipway.yaml': slipwayYaml() } });
    const payload = pushPayload(repo, repo.git.sha);
    const first = await h.deliver('push', payload, { deliveryId: 'same-delivery-twice' });
    const second = await h.send('push', payload, { deliveryId: 'same-delivery-twice' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(
      await h.queues.webhookEvents.getJob(webhookJobId({ deliveryId: 'same-delivery-twice' })),
    ).toBeDefined();
    const ids = (await h.buildJobIds()).filter((id) => id.includes(repo.git.sha));
    expect(ids).toEqual([`${h.tenant}.web.production.${repo.git.sha}`]);
    expect(h.checkRuns(repo)).toHaveLength(1);
  });

  it('queues nothing for a push handled after a push received later: that one holds the line', async () => {
    const repo = await h.addRepo({ owner: 'acme', name: 'order', files: { 'slipway.yaml': slipwayYaml() } });
    const older = repo.git.sha;
    const newer = await repo.git.commit({ 'a.txt': 'newer\n' });
    // The newer push is received (and handled) first; the older one was received a second
    // before it, but its intake runs only now — a retry, a slow worker.
    h.clockOffsetMs = 0;
    expect(await h.deliver('push', pushPayload(repo, newer))).toMatchObject({ returnvalue: 'builds-queued' });
    h.clockOffsetMs = -1000;
    try {
      expect(await h.deliver('push', pushPayload(repo, older))).toMatchObject({
        state: 'completed',
        returnvalue: 'superseded',
      });
    } finally {
      h.clockOffsetMs = 0;
    }
    expect(await h.queues.builds.getJob(`${h.tenant}.web.production.${newer}`)).toBeDefined();
    expect(await h.queues.builds.getJob(`${h.tenant}.web.production.${older}`)).toBeUndefined();
    const line = { tenant: h.tenant, service: 'web', ref: 'refs/heads/main', prefix: h.prefix };
    expect(await latestBuild(h.redis, line)).toBe(newer);
    const olderRuns = h.checkRuns(repo).filter((run) => run.head_sha === older);
    expect(olderRuns).toEqual([
      expect.objectContaining({ name: 'Slipway build / web', status: 'completed', conclusion: 'skipped' }),
    ]);
    expect((olderRuns[0]!.output as { summary: string }).summary).toContain(newer.slice(0, 7));
  });

  it('hands services built by CircleCI to the CircleCI queue, each with its queued check run', async () => {
    const repo = await h.addRepo({
      owner: 'acme',
      name: 'mixed',
      files: {
        'slipway.yaml': slipwayYaml(['  legacy:', '    build: { builder: circleci }', '    port: 9090']),
      },
    });
    const sha = repo.git.sha;
    expect(await h.deliver('push', pushPayload(repo, sha))).toMatchObject({ returnvalue: 'builds-queued' });
    expect(await h.queues.builds.getJob(`${h.tenant}.web.production.${sha}`)).toBeDefined();
    expect(await h.queues.builds.getJob(`${h.tenant}.legacy.production.${sha}`)).toBeUndefined();
    expect(await h.queues.circleciBuilds.getJob(`${h.tenant}.legacy.production.${sha}`)).toBeDefined();
    expect(
      h
        .checkRuns(repo)
        .map((run) => [run.name, run.status])
        .sort(),
    ).toEqual([
      ['Slipway build / legacy', 'queued'],
      ['Slipway build / web', 'queued'],
    ]);
  });

  it('re-runs a build asked for on GitHub as attempt 2, with a new queued check run', async () => {
    const repo = await h.addRepo({ owner: 'acme', name: 'rerun', files: { 'slipway.yaml': slipwayYaml() } });
    const sha = repo.git.sha;
    await h.deliver('push', pushPayload(repo, sha));
    const [first] = h.checkRuns(repo);
    const payload = examplePayload('check_run', {
      action: 'rerequested',
      repository: { owner: repo.owner, name: repo.name, id: repo.id },
      installationId: repo.installationId,
      sha,
    }) as unknown as { check_run: { id: number; name: string; check_suite: { head_branch: string } } };
    payload.check_run.id = first!.id as number;
    payload.check_run.name = 'Slipway build / web';
    payload.check_run.check_suite.head_branch = 'main';

    expect(await h.deliver('check_run', payload)).toMatchObject({
      state: 'completed',
      returnvalue: 'rerun-queued',
    });
    const rerun = await h.queues.builds.getJob(`${h.tenant}.web.production.${sha}.a2`);
    expect(rerun?.data).toMatchObject({ service: 'web', commit: sha, environment: 'production', attempt: 2 });
    const runs = h.checkRuns(repo);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatchObject({
      name: 'Slipway build / web',
      status: 'queued',
      external_id: `${h.tenant}.web.production.${sha}.a2`,
    });

    // The same re-run delivered again adds nothing; re-running the new run makes attempt 3.
    expect(await h.deliver('check_run', payload)).toMatchObject({ returnvalue: 'rerun-queued' });
    expect(h.checkRuns(repo)).toHaveLength(2);
    payload.check_run.id = runs[1]!.id as number;
    await h.deliver('check_run', payload);
    expect(await h.queues.builds.getJob(`${h.tenant}.web.production.${sha}.a3`)).toBeDefined();
  });

  it("leaves alone re-runs of check runs that are not Slipway's builds", async () => {
    const repo = await h.addRepo({ owner: 'acme', name: 'others', files: { 'slipway.yaml': slipwayYaml() } });
    const sha = repo.git.sha;
    const payload = examplePayload('check_run', {
      action: 'rerequested',
      repository: { owner: repo.owner, name: repo.name, id: repo.id },
      installationId: repo.installationId,
      sha,
    }) as unknown as { check_run: { id: number; name: string } };
    payload.check_run.name = 'ci/lint'; // another app's check
    const before = await h.queues.builds.count();
    expect(await h.deliver('check_run', payload)).toMatchObject({ returnvalue: 'ignored' });
    // Named like ours but unknown to GitHub as ours (here: no such run at all).
    payload.check_run.name = 'Slipway build / web';
    payload.check_run.id = 4_999_999;
    expect(await h.deliver('check_run', payload)).toMatchObject({ returnvalue: 'not-ours' });
    expect(await h.queues.builds.count()).toBe(before);
    expect(h.checkRuns(repo)).toEqual([]);
  });

  it('re-runs the whole intake when the binding check is re-requested after binding, and answers it', async () => {
    const repo = await h.addRepo({
      owner: 'globex',
      name: 'shop',
      files: { 'slipway.yaml': slipwayYaml() },
      bind: false,
    });
    const sha = repo.git.sha;
    expect(await h.deliver('push', pushPayload(repo, sha))).toMatchObject({ returnvalue: 'unbound' });
    const [setup] = h.checkRuns(repo);
    expect(setup).toMatchObject({ name: 'Slipway', conclusion: 'action_required' });
    await h.installations.bind(repo.installationId, h.tenant);
    const payload = examplePayload('check_run', {
      action: 'rerequested',
      repository: { owner: repo.owner, name: repo.name, id: repo.id },
      installationId: repo.installationId,
      sha,
    }) as unknown as { check_run: { id: number; name: string; check_suite: { head_branch: string } } };
    payload.check_run.id = setup!.id as number;
    payload.check_run.name = 'Slipway';
    payload.check_run.check_suite.head_branch = 'main';
    expect(await h.deliver('check_run', payload)).toMatchObject({ returnvalue: 'builds-queued' });
    expect(await h.queues.builds.getJob(`${h.tenant}.web.production.${sha}`)).toBeDefined();
    // The binding request on the commit is answered, so the commit no longer shows it as wanted.
    const answered = h.checkRuns(repo).find((run) => run.name === 'Slipway');
    expect(answered).toMatchObject({
      conclusion: 'success',
      output: { title: `Bound to the Slipway tenant ${h.tenant}` },
    });
  });

  it('rejects a bad signature with 400, enqueues nothing and warns with the delivery id', async () => {
    const repo = await h.addRepo({ owner: 'acme', name: 'forged', files: { 'slipway.yaml': slipwayYaml() } });
    const before = await h.queues.webhookEvents.count();
    const { status, deliveryId } = await h.send('push', pushPayload(repo, repo.git.sha), {
      secret: 'not-it',
    });
    expect(status).toBe(400);
    expect(await h.queues.webhookEvents.count()).toBe(before);
    expect(await h.queues.webhookEvents.getJob(webhookJobId({ deliveryId }))).toBeUndefined();
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 40, deliveryId, msg: expect.stringMatching(/bad signature/) }),
    );
  });

  it('rejects malformed JSON with 400 and enqueues nothing', async () => {
    const before = await h.queues.webhookEvents.count();
    expect((await h.send('push', '{"ref": "refs/heads/main",')).status).toBe(400);
    expect(await h.queues.webhookEvents.count()).toBe(before);
  });
});

describe('startGitHubApp when Redis does not answer', () => {
  it('fails with REDIS_UNAVAILABLE, naming the address but not the password', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs1',
      format: 'pem',
    }) as string;
    const config = githubAppConfigFromEnv(
      {
        APP_ID: '1',
        PRIVATE_KEY: pem,
        WEBHOOK_SECRET: 's',
        REDIS_URL: 'redis://:hunter2@127.0.0.1:1',
        PORT: '0',
      },
      tmpdir(),
    );
    const failure = startGitHubApp({ config, logger: pino({ level: 'silent' }) });
    await expect(failure).rejects.toBeInstanceOf(GitHubAppStartError);
    await expect(failure).rejects.toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      message: expect.stringContaining('127.0.0.1:1'),
    });
    await expect(failure).rejects.not.toMatchObject({ message: expect.stringContaining('hunter2') });
  });
});
