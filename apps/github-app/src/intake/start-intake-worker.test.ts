import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { createGitRepo, type FakeGitHub, type GitRepo, startFakeGitHub } from '@slipway/fakes';
import {
  createQueues,
  enqueueWebhookEvent,
  type Queues,
  type WebhookEventJob,
  webhookJobId,
} from '@slipway/queue';
import { FsStateStore, Installations } from '@slipway/state';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Probot } from 'probot';
import { type IntakeWorker, startIntakeWorker } from './start-intake-worker.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const twoServices = [
  'services:',
  '  web:',
  '    build: {}',
  '    port: 8080',
  '  worker:',
  '    build: {}',
  '    port: 9090',
  'branches:',
  '  main: production',
  '',
].join('\n');

const malformed = ['services:', '  web:', '    build: {}', '    port: eighty', ''].join('\n');

describe('intake worker (real Redis, FsStateStore, fake GitHub with real git)', () => {
  const prefix = uniquePrefix('intake');
  const tenant = uniquePrefix('acme');
  const logs: string[] = [];
  const repos: GitRepo[] = [];
  let fake: FakeGitHub;
  let redis: Redis;
  let queues: Queues;
  let root: string;
  let installations: Installations;
  let intake: IntakeWorker;
  let delivery = 0;

  beforeAll(async () => {
    fake = await startFakeGitHub();
    redis = new Redis(redisUrl);
    queues = createQueues({ connection: redis, prefix });
    root = await mkdtemp(join(tmpdir(), 'intake-state-'));
    const store = new FsStateStore({ root, durable: false });
    installations = new Installations({ store });
    const probot = new Probot({
      appId: fake.appId,
      privateKey: fake.privateKey,
      baseUrl: fake.baseUrl,
      log: pino({ level: 'silent' }),
    });
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
    intake = startIntakeWorker({
      queues,
      redis,
      store,
      appId: fake.appId,
      octokitFor: (id) => probot.auth(id),
      logger,
      now: () => new Date('2030-01-02T03:04:05Z'),
    });
  });

  afterAll(async () => {
    await intake.close();
    await intake.close(); // idempotent
    await queues.close();
    await cleanupRedis(redis, prefix);
    await redis.quit();
    await fake.close();
    await Promise.all(repos.map((repo) => repo.remove()));
    await rm(root, { recursive: true, force: true });
  });

  /** A repo on the fake, backed by real git; bound to `tenant` unless `bind` is false. */
  async function addRepo(options: {
    owner: string;
    name: string;
    files: Record<string, string>;
    bind?: boolean;
  }) {
    const git = await createGitRepo({ files: options.files });
    repos.push(git);
    const added = fake.addRepo({ owner: options.owner, name: options.name, git });
    const installationId = added.installationId!;
    if (options.bind !== false) await installations.bind(installationId, tenant);
    return { git, id: added.id, fullName: added.fullName, installationId };
  }

  /** Enqueues a delivery, as the webhook handler does, and waits for the worker to finish it. */
  async function deliver(job: Omit<WebhookEventJob, 'deliveryId' | 'receivedAt'>) {
    const deliveryId = `d-${++delivery}`;
    await enqueueWebhookEvent(queues, { ...job, deliveryId, receivedAt: new Date().toISOString() });
    const id = webhookJobId({ deliveryId });
    for (let i = 0; i < 400; i++) {
      const state = await queues.webhookEvents.getJobState(id);
      if (state === 'completed' || state === 'failed') {
        const finished = await queues.webhookEvents.getJob(id);
        return { state, returnvalue: finished?.returnvalue as unknown, failedReason: finished?.failedReason };
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const stuck = await queues.webhookEvents.getJob(id);
    throw new Error(
      `delivery ${deliveryId} did not finish: ${await stuck?.getState()} ${stuck?.failedReason}`,
    );
  }

  const push = (
    repo: { id: number; fullName: string; installationId: number },
    sha: string,
    branch = 'main',
  ) =>
    deliver({
      event: 'push',
      installationId: repo.installationId,
      repository: { id: repo.id, fullName: repo.fullName },
      subset: { ref: `refs/heads/${branch}`, sha, deleted: false },
    });

  const checkRunsOn = (fullName: string) => {
    const [owner = '', repo = ''] = fullName.split('/');
    return fake.checkRuns({ owner, repo });
  };

  it('fans a push to main out into one build job and one queued check run per service', async () => {
    const repo = await addRepo({ owner: 'acme', name: 'web', files: { 'slipway.yaml': twoServices } });
    const sha = repo.git.sha;
    expect(await push(repo, sha)).toMatchObject({ state: 'completed', returnvalue: 'builds-queued' });

    const web = await queues.builds.getJob(`${tenant}.web.production.${sha}`);
    const worker = await queues.builds.getJob(`${tenant}.worker.production.${sha}`);
    expect(web?.data).toMatchObject({
      tenant,
      service: 'web',
      environment: 'production',
      commit: sha,
      ref: 'refs/heads/main',
      installationId: repo.installationId,
      repository: { id: repo.id, fullName: 'acme/web' },
      build: { dockerfile: 'Dockerfile', context: '.', args: {} },
      config: { port: 8080 },
    });
    expect(worker?.data.service).toBe('worker');
    expect(await queues.builds.count()).toBe(2);

    const runs = checkRunsOn('acme/web');
    expect(runs.map((run) => run.name).sort()).toEqual(['Slipway build / web', 'Slipway build / worker']);
    for (const run of runs) expect(run).toMatchObject({ head_sha: sha, status: 'queued', conclusion: null });

    // The same push delivered again (a redelivery, a retry): nothing doubles.
    expect((await push(repo, sha)).state).toBe('completed');
    expect(await queues.builds.count()).toBe(2);
    expect(checkRunsOn('acme/web')).toHaveLength(2);

    // Ids in the logs, never the file nor a token.
    const written = logs.join('\n');
    expect(written).toContain('builds queued');
    expect(written).not.toContain('ghs_');
    expect(written).not.toContain('port: 9090');
  });

  it('hands a builder: circleci service to the CircleCI queue with the same job and a queued check run', async () => {
    const yaml = [
      'services:',
      '  api:',
      '    build: { builder: circleci }',
      '    port: 8080',
      'branches:',
      '  main: production',
      '',
    ];
    const repo = await addRepo({ owner: 'acme', name: 'circle', files: { 'slipway.yaml': yaml.join('\n') } });
    const sha = repo.git.sha;
    const nativeBefore = await queues.builds.count();
    expect(await push(repo, sha)).toMatchObject({ state: 'completed', returnvalue: 'builds-queued' });
    const job = await queues.circleciBuilds.getJob(`${tenant}.api.production.${sha}`);
    expect(job?.data).toMatchObject({
      tenant,
      service: 'api',
      commit: sha,
      ref: 'refs/heads/main',
      repository: { fullName: 'acme/circle' },
      serviceDefaults: { source: { builder: 'circleci' } },
    });
    expect(await queues.builds.count()).toBe(nativeBefore);
    expect(checkRunsOn('acme/circle')).toMatchObject([
      { name: 'Slipway build / api', status: 'queued', external_id: `${tenant}.api.production.${sha}` },
    ]);
  });

  it('asks an unbound installation to bind, with an action_required check run and no job', async () => {
    const repo = await addRepo({
      owner: 'globex',
      name: 'shop',
      files: { 'slipway.yaml': twoServices },
      bind: false,
    });
    const before = await queues.builds.count();
    expect(await push(repo, repo.git.sha)).toMatchObject({ state: 'completed', returnvalue: 'unbound' });
    expect(await queues.builds.count()).toBe(before);
    const runs = checkRunsOn('globex/shop');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'Slipway', head_sha: repo.git.sha, conclusion: 'action_required' });
    const output = runs[0]!.output as { summary: string };
    expect(output.summary).toContain('POST /v1/tenants/<tenant>/installations');
    expect(output.summary).toContain(String(repo.installationId));
  });

  it('reports a malformed slipway.yaml as one failed check run naming line, column and field', async () => {
    const repo = await addRepo({ owner: 'acme', name: 'broken', files: { 'slipway.yaml': malformed } });
    const before = await queues.builds.count();
    expect(await push(repo, repo.git.sha)).toMatchObject({
      state: 'completed',
      returnvalue: 'invalid-config',
    });
    expect(await queues.builds.count()).toBe(before);
    const runs = checkRunsOn('acme/broken');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'Slipway config', conclusion: 'failure', status: 'completed' });
    const summary = (runs[0]!.output as { summary: string }).summary;
    expect(summary).toContain('services.web.port');
    expect(summary).toMatch(/line 4, column \d+/);
  });

  it('leaves a commit without slipway.yaml alone', async () => {
    const repo = await addRepo({ owner: 'acme', name: 'plain', files: { 'README.md': '# hi\n' } });
    const before = await queues.builds.count();
    expect(await push(repo, repo.git.sha)).toMatchObject({ state: 'completed', returnvalue: 'no-config' });
    expect(await queues.builds.count()).toBe(before);
    expect(checkRunsOn('acme/plain')).toEqual([]);
  });

  it('ignores a branch slipway.yaml does not map, and a deleted branch', async () => {
    const repo = await addRepo({ owner: 'acme', name: 'api', files: { 'slipway.yaml': twoServices } });
    const before = await queues.builds.count();
    expect(await push(repo, repo.git.sha, 'feature/x')).toMatchObject({ returnvalue: 'branch-not-mapped' });
    expect(await push(repo, '0'.repeat(40))).toMatchObject({ returnvalue: 'ignored' });
    expect(await queues.builds.count()).toBe(before);
    expect(checkRunsOn('acme/api')).toEqual([]);
  });

  it('records an installation from installation.created, as GitHub describes it', async () => {
    const { id } = fake.addInstallation({ account: 'initech', accountType: 'Organization' });
    expect(
      await deliver({
        event: 'installation',
        action: 'created',
        installationId: id,
        subset: { account: 'initech' },
      }),
    ).toMatchObject({ state: 'completed' });
    expect(await installations.get(id)).toMatchObject({
      installationId: id,
      account: { login: 'initech', type: 'Organization' },
      suspended: false,
    });
  });
});
