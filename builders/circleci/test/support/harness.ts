import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { GitHubInstallations } from '@slipway/builder-docker';
import { LocalRegistry } from '@slipway/cloud';
import { cleanupDocker, cleanupRedis, testLabel, uniquePrefix } from '@slipway/devenv/testing';
import {
  createGitRepo,
  type FakeCircleci,
  type FakeGitHub,
  type GitRepo,
  startFakeCircleci,
  startFakeGitHub,
} from '@slipway/fakes';
import { type BuildJob, buildJobId, createQueues, type Queues } from '@slipway/queue';
import { LocalKeyCipher, SecretsRepository, tenantRef } from '@slipway/secrets';
import { createRepositories, FsStateStore, PolicyStore, type Repositories } from '@slipway/state';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { type Logger, pino } from 'pino';
import {
  CIRCLECI_TOKEN,
  CIRCLECI_WEBHOOK_SECRET,
  CircleciClient,
  GitHubCircleciFeedback,
  PIPELINE_PARAMETERS,
  type StartCircleciWorkerOptions,
  startCircleciWorker,
  startWebhookServer,
  storedCircleciSecrets,
  type WebhookServer,
} from '../../src/index.js';

export const REGISTRY = '127.0.0.1:5000';

/** One tenant's repository on the fake GitHub, its project on the fake CircleCI and its secrets. */
export interface TestTenant {
  tenant: string;
  fullName: string;
  sha: string;
  installationId: number;
  webhookSecret: string;
  /** Where the tenant's CircleCI webhooks go. */
  webhookUrl: string;
  job(): BuildJob;
  jobId: string;
}

/** Real Redis, registry, engine, state folder and secrets; fake GitHub and CircleCI; a debug-level pino logger kept in memory. */
export interface Harness {
  prefix: string;
  /** Local mode's data folder: `state/` and `secrets.key`. */
  dataDir: string;
  redis: Redis;
  docker: Docker;
  registry: LocalRegistry;
  repos: Repositories;
  policies: PolicyStore;
  secrets: SecretsRepository;
  queues: Queues;
  github: FakeGitHub;
  circleci: FakeCircleci;
  webhooks: WebhookServer;
  installations: GitHubInstallations;
  logger: Logger;
  /** Every log line written so far (JSON, as pino wrote it). */
  logLines: string[];
  /** A tenant allowed the CircleCI builder, with the fake's token; `token: null` stores none, `allowCircleci: false` keeps the default policy. */
  tenant(label: string, options?: { token?: string | null; allowCircleci?: boolean }): Promise<TestTenant>;
  /** Starts a worker over the harness (callers close it). */
  worker(extra?: Partial<StartCircleciWorkerOptions>): ReturnType<typeof startCircleciWorker>;
  /** What a CircleCI job would do: build a tiny image and push it as the pipeline's parameters say. */
  pushFromParameters(parameters: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function openHarness(label: string): Promise<Harness> {
  const prefix = uniquePrefix(label);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  // Laid out as local mode's data folder, so a builder started from the environment shares it.
  const dataDir = await mkdtemp(join(tmpdir(), `slipway-${label}-`));
  const secretsKey = randomBytes(32);
  await writeFile(join(dataDir, 'secrets.key'), `${secretsKey.toString('base64')}\n`, { mode: 0o600 });
  const store = new FsStateStore({ root: join(dataDir, 'state'), durable: false });
  const queues = createQueues({ connection: redis, prefix });
  const repos = createRepositories(store);
  const policies = new PolicyStore({ store });
  const secrets = new SecretsRepository({
    store,
    cipher: new LocalKeyCipher({ keys: { local: secretsKey }, activeKeyId: 'local' }),
  });
  const logLines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    }),
  );
  const github = await startFakeGitHub();
  const circleci = await startFakeCircleci();
  const circleciSecrets = storedCircleciSecrets(secrets);
  const webhooks = await startWebhookServer({ port: 0, redis, prefix, secrets: circleciSecrets, logger });
  const installations = new GitHubInstallations({
    appId: github.appId,
    privateKey: github.privateKey,
    baseUrl: github.baseUrl,
  });
  const registry = new LocalRegistry({ address: REGISTRY });
  const gits: GitRepo[] = [];
  const tenants: string[] = [];
  let count = 0;

  const harness: Harness = {
    prefix,
    dataDir,
    redis,
    docker,
    registry,
    repos,
    policies,
    secrets,
    queues,
    github,
    circleci,
    webhooks,
    installations,
    logger,
    logLines,
    async tenant(name, options = {}) {
      const tenant = `${prefix}-${name}-${++count}`.slice(0, 63).replace(/-+$/, '');
      tenants.push(tenant);
      const git = await createGitRepo({ files: { 'README.md': `${tenant}\n` } });
      gits.push(git);
      const repo = `web-${count}`;
      const added = github.addRepo({ owner: 'acme', name: repo, git });
      if (added.installationId === undefined) throw new Error('the fake GitHub did not install the app');
      circleci.addProject(`gh/acme/${repo}`, {
        parameters: [PIPELINE_PARAMETERS.repository, PIPELINE_PARAMETERS.tag],
      });
      const webhookSecret = randomUUID();
      const ref = tenantRef(tenant);
      const token = options.token === undefined ? circleci.token : options.token;
      if (token !== null) await secrets.set(ref, CIRCLECI_TOKEN, token);
      await secrets.set(ref, CIRCLECI_WEBHOOK_SECRET, webhookSecret);
      if (options.allowCircleci !== false)
        await policies.update(
          tenant,
          { permissions: { allowedBuilders: ['native', 'circleci'] } },
          { by: 'test', now: Date.now() },
        );
      const installationId = added.installationId;
      const job = (): BuildJob => ({
        tenant,
        service: 'web',
        environment: 'production',
        commit: git.sha,
        ref: 'refs/heads/main',
        installationId,
        repository: { id: added.id, fullName: added.fullName },
        deliveryId: `d-${count}`,
        build: { dockerfile: 'Dockerfile', context: '.', args: {} },
        config: {
          port: 8080,
          resources: { cpuMillicores: 250, memoryMiB: 64 },
          health: { path: '/', intervalMs: 5000, timeoutMs: 1000 },
          env: {},
          secrets: [],
        },
      });
      return {
        tenant,
        fullName: added.fullName,
        sha: git.sha,
        installationId,
        webhookSecret,
        webhookUrl: `${webhooks.url}/circleci/webhooks/${tenant}`,
        job,
        jobId: buildJobId({ tenant, service: 'web', environment: 'production', sha: git.sha }),
      };
    },
    worker(extra = {}) {
      return startCircleciWorker({
        queues,
        client: new CircleciClient({ baseUrl: circleci.url, logger }),
        secrets: circleciSecrets,
        registry,
        repos,
        policies,
        redis,
        feedback: new GitHubCircleciFeedback({ installations, logger }),
        logger,
        pollIntervalMs: 100,
        webhookCheckMs: 50,
        ...extra,
      });
    },
    async pushFromParameters(parameters) {
      const repository = String(parameters[PIPELINE_PARAMETERS.repository]);
      const tag = String(parameters[PIPELINE_PARAMETERS.tag]);
      const writer = await docker.createContainer({
        Image: 'slipway/busybox:local',
        Cmd: ['sh', '-c', `echo ${tag} > /tag.txt`],
        Labels: { [testLabel]: prefix },
      });
      try {
        await writer.start();
        await writer.wait();
        await writer.commit({ repo: repository, tag, changes: [`LABEL ${testLabel}=${prefix}`] });
      } finally {
        await writer.remove({ force: true });
      }
      const stream = await docker
        .getImage(`${repository}:${tag}`)
        .push({ authconfig: { serveraddress: REGISTRY } });
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(stream, (error: Error | null, events: Array<{ error?: string }>) => {
          const failed = events?.find((event) => event.error);
          if (error || failed) reject(error ?? new Error(failed?.error));
          else resolve();
        }),
      );
    },
    async close() {
      const failures: unknown[] = [];
      const run = async (step: () => Promise<unknown>) => {
        try {
          await step();
        } catch (error) {
          failures.push(error);
        }
      };
      await run(() => webhooks.close());
      await run(() => queues.close());
      await run(() => circleci.close());
      await run(() => github.close());
      for (const tenant of tenants) await run(() => registry.deleteRepository({ tenant, service: 'web' }));
      await run(() => registry.close());
      await run(() => Promise.all(gits.map((git) => git.remove())));
      await run(() => cleanupDocker(docker, `${testLabel}=${prefix}`));
      await run(() => cleanupRedis(redis, prefix));
      redis.disconnect();
      await run(() => store.close());
      await run(() => rm(dataDir, { recursive: true, force: true }));
      if (failures.length > 0) throw new AggregateError(failures, 'closing the test harness failed');
    },
  };
  return harness;
}

/** Waits for a job to finish; returns how it ended. */
export async function finished(
  queue: Queues['circleciBuilds'],
  jobId: string,
): Promise<{ state: string; returnvalue: unknown; failedReason: string | undefined; attemptsMade: number }> {
  for (;;) {
    const state = await queue.getJobState(jobId);
    // Read after the state: a job read before it finished would show the attempts of that moment.
    const job = state === 'completed' || state === 'failed' ? await queue.getJob(jobId) : undefined;
    if (job)
      return {
        state,
        returnvalue: job.returnvalue,
        failedReason: job.failedReason,
        attemptsMade: job.attemptsMade,
      };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The tenant's one build check run (`Slipway build / web`), as the fake GitHub holds it. */
export function buildCheckRun(h: Harness, t: TestTenant) {
  const [owner = '', repo = ''] = t.fullName.split('/');
  const runs = h.github.checkRuns({ owner, repo }).filter((run) => run.name === 'Slipway build / web');
  if (runs.length !== 1)
    throw new Error(`expected one build check run on ${t.fullName}, found ${runs.length}`);
  return runs[0] as Record<string, unknown> & { output: { title: string; summary: string } };
}
