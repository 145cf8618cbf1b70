import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CircleciBuilder, circleciConfigFromEnv, startCircleciBuilder } from '@slipway/builder-circleci';
import { builderConfigFromEnv, startBuilder } from '@slipway/builder-docker';
import { type LocalEdge, LocalRegistry, startLocalEdge } from '@slipway/cloud';
import { createControllerLogger } from '@slipway/controller';
import type { Release } from '@slipway/core';
import { servicesConfigFromEnv } from '@slipway/devenv';
import { cleanupDocker, cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import {
  createGitRepo,
  examplePayload,
  type FakeGitHub,
  type GitFile,
  type GitRepo,
  sendWebhook,
  startFakeGitHub,
} from '@slipway/fakes';
import { githubAppConfigFromEnv, startGitHubApp } from '@slipway/github-app';
import {
  createRepositories,
  createStateStore,
  Installations,
  type Repositories,
  releasesPrefix,
  type StateStore,
} from '@slipway/state';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createMotoAccount, type MotoAccount } from './moto-account.js';
import { type RunningApi, startApi } from './start-api.js';

/** The push path of one tenant, running in this process: fake GitHub → GitHub App → builders. */
export interface PushPlatform {
  readonly fake: FakeGitHub;
  readonly repo: GitRepo;
  readonly owner: string;
  readonly name: string;
  readonly tenant: string;
  readonly installationId: number;
  /** The repository's GitHub id (what webhooks carry). */
  readonly repositoryId: number;
  /** Redis key prefix of every queue and key this platform writes. */
  readonly prefix: string;
  readonly redis: Redis;
  readonly store: StateStore;
  readonly repos: Repositories;
  readonly registry: LocalRegistry;
  readonly docker: Docker;
  readonly webhookUrl: string;
  /** The controller's API, when started with `api: true`. */
  readonly api: RunningApi | undefined;
  /** The local edge the controller keeps in step, when started with `edge: true` (implies `api`). */
  readonly edge: LocalEdge | undefined;
  /** The CircleCI builder, when started with `circleci`: its webhook receiver is at `webhookUrl`. */
  readonly circleciBuilder: CircleciBuilder | undefined;
  /** The moto account, when started with `aws: true`. */
  readonly aws: MotoAccount | undefined;
  /** Sends a signed push webhook for `sha` on `branch`; returns GitHub's answer and the delivery id. */
  sendPush(
    sha: string,
    options?: { branch?: string; deliveryId?: string },
  ): Promise<{ status: number; deliveryId: string }>;
  /** Waits until the Release of `service` at `sha` is recorded, or fails after `timeoutMs`. */
  waitForRelease(
    service: string,
    sha: string,
    options?: { environment?: string; timeoutMs?: number },
  ): Promise<Release>;
  /** Every Release of the tenant recorded so far. */
  releases(): Promise<Release[]>;
  /** Stops the processes and removes everything the platform made (images, registry repos, keys, files). */
  close(): Promise<void>;
}

export interface StartPushPlatformOptions {
  /** Files of the repository's first commit (slipway.yaml, Dockerfile, …). */
  files: Record<string, GitFile>;
  owner?: string;
  name?: string;
  /** Bind the installation to the tenant (default true). */
  bind?: boolean;
  /** Extra environment for both processes (e.g. SLIPWAY_BUILD_CONCURRENCY). */
  env?: Record<string, string>;
  logLevel?: 'silent' | 'warn' | 'info' | 'debug';
  /**
   * Every log line (pino JSON) the in-process components write at `logLevel` is pushed here. Each
   * gets the logger its own `main.ts` makes: plain pino for the GitHub App and the builder, the
   * redacting controller logger for the controller and the edge.
   */
  logs?: string[];
  /** Also run a controller (the REST API) over the same state and Redis. */
  api?: boolean;
  /** Also run the local edge (on a free port), driven by that controller. */
  edge?: boolean;
  /**
   * Also run the CircleCI builder (builders/circleci, from its environment as its `main.ts` does)
   * against this CircleCI API origin (the fake's `url`), its webhook receiver on a free port;
   * `pollMs` is its polling fallback (SLIPWAY_CIRCLECI_POLL_MS, default 30 s).
   */
  circleci?: { apiUrl: string; pollMs?: number };
  /**
   * Every process in AWS mode against moto (createMotoAccount): state in S3, the lease in
   * DynamoDB, images through ECR's API (layers in the local registry), and the controller's AWS
   * edge (ALB, Route53, ACM) beside the local edge that carries the traffic.
   */
  aws?: boolean;
}

/**
 * Starts the push path exactly as `npm start` does — the same config readers and start
 * functions — but pointed at a fake GitHub, a fresh state folder and a unique Redis prefix.
 *
 * @example
 * const platform = await startPushPlatform({ files: { 'slipway.yaml': yaml, Dockerfile: 'FROM slipway/busybox:local\n' } });
 * await platform.sendPush(platform.repo.sha);
 * const release = await platform.waitForRelease('web', platform.repo.sha);
 */
export async function startPushPlatform(options: StartPushPlatformOptions): Promise<PushPlatform> {
  const services = servicesConfigFromEnv(process.env, process.cwd());
  const tenant = uniquePrefix('e2e');
  const prefix = tenant;
  const owner = options.owner ?? 'acme';
  const name = options.name ?? 'web';
  const dataDir = await mkdtemp(join(tmpdir(), 'slipway-e2e-'));
  const fake = await startFakeGitHub();
  const repo = await createGitRepo({ files: options.files });
  const { id: repositoryId, installationId } = fake.addRepo({ owner, name, git: repo });
  if (installationId === undefined) throw new Error('the fake did not install the app on the repository');

  const aws = options.aws
    ? await createMotoAccount({
        name: tenant,
        endpoint: services.awsEndpoint,
        pushRegistry: services.registryAddress,
      })
    : undefined;
  const modeEnv = aws
    ? aws.env
    : { SLIPWAY_MODE: 'local', SLIPWAY_DATA_DIR: dataDir, SLIPWAY_REGISTRY: services.registryAddress };
  const env: NodeJS.ProcessEnv = {
    APP_ID: String(fake.appId),
    PRIVATE_KEY: fake.privateKey,
    WEBHOOK_SECRET: fake.webhookSecret,
    GHE_HOST: fake.host,
    GHE_PROTOCOL: 'http',
    PORT: '0',
    REDIS_URL: services.redisUrl,
    SLIPWAY_REDIS_PREFIX: prefix,
    ...modeEnv,
    LOG_LEVEL: options.logLevel ?? 'silent',
    ...options.env,
  };
  const level = options.logLevel ?? 'silent';
  const lines = options.logs;
  const destination = lines ? { write: (line: string) => void lines.push(line) } : undefined;
  const plainLogger = (service: string) =>
    destination ? pino({ level, base: { service } }, destination) : pino({ level, base: { service } });
  const controllerLogger = createControllerLogger({ level, base: {} }, destination);
  const store = aws
    ? createStateStore({
        mode: 'aws',
        region: aws.region,
        endpoint: aws.endpoint,
        bucket: aws.bucket,
        prefix: '',
      })
    : createStateStore({ mode: 'local', root: join(dataDir, 'state') });
  const repos = createRepositories(store);
  if (options.bind ?? true) await new Installations({ store }).bind(installationId, tenant);

  const redis = new Redis(services.redisUrl);
  const docker = new Docker({ socketPath: services.dockerSocket });
  // Where the images' layers are; in AWS mode named as in ECR.
  const registry = new LocalRegistry({
    address: services.registryAddress,
    ...(aws ? { namePrefix: 'slipway' } : {}),
  });
  const app = await startGitHubApp({
    config: githubAppConfigFromEnv(env, dataDir),
    logger: plainLogger('github-app'),
    // The fake GitHub never rate-limits: probot's spacing of writes would only slow the feedback.
    throttle: false,
  });
  const builder = await startBuilder({
    config: builderConfigFromEnv(env, dataDir),
    logger: plainLogger('builder-docker'),
  });
  const circleciBuilder = options.circleci
    ? await startCircleciBuilder({
        config: circleciConfigFromEnv(
          {
            ...env,
            CIRCLECI_URL: options.circleci.apiUrl,
            SLIPWAY_CIRCLECI_WEBHOOK_PORT: '0',
            ...(options.circleci.pollMs ? { SLIPWAY_CIRCLECI_POLL_MS: String(options.circleci.pollMs) } : {}),
          },
          dataDir,
        ),
        logger: plainLogger('builder-circleci'),
      })
    : undefined;
  const webhookUrl = `http://127.0.0.1:${app.port}/api/github/webhooks`;
  const edge = options.edge
    ? await startLocalEdge({ port: 0, logger: controllerLogger.child({ app: 'edge' }) })
    : undefined;
  const api =
    options.api || edge
      ? await startApi(env, dataDir, controllerLogger.child({ app: 'controller' }), edge ? { edge } : {})
      : undefined;

  const releases = async () => {
    const { documents } = await repos.releases.scan(releasesPrefix(tenant));
    return documents.map((document) => document.value);
  };

  let closing: Promise<void> | undefined;
  return {
    fake,
    repo,
    owner,
    name,
    tenant,
    installationId,
    prefix,
    redis,
    store,
    repos,
    registry,
    docker,
    webhookUrl,
    repositoryId,
    api,
    edge,
    circleciBuilder,
    aws,
    async sendPush(sha, pushOptions = {}) {
      const payload = examplePayload('push', {
        repository: { owner, name, id: repositoryId },
        installationId,
        sha,
        ref: pushOptions.branch ?? 'main',
      });
      const response = await sendWebhook(webhookUrl, {
        event: 'push',
        payload,
        secret: fake.webhookSecret,
        ...(pushOptions.deliveryId ? { deliveryId: pushOptions.deliveryId } : {}),
      });
      return { status: response.status, deliveryId: response.deliveryId };
    },
    async waitForRelease(service, sha, waitOptions = {}) {
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 120_000);
      for (;;) {
        const found = (await releases()).find(
          (release) =>
            release.service === service &&
            release.commit === sha &&
            (waitOptions.environment === undefined || release.environment === waitOptions.environment),
        );
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no Release of ${service} at ${sha.slice(0, 7)} in time`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    releases,
    close() {
      closing ??= (async () => {
        await app.close();
        await builder.close();
        await circleciBuilder?.close();
        await api?.close();
        await edge?.close();
        const repositories = await registry.listRepositories({ tenant }).catch(() => []);
        for (const { service } of repositories)
          await registry.deleteRepository({ tenant, service }).catch(() => {});
        await registry.close();
        await cleanupDocker(docker, `io.slipway.tenant=${tenant}`);
        await cleanupRedis(redis, prefix);
        redis.disconnect();
        await store.close();
        await aws?.close(tenant);
        await fake.close();
        await repo.remove();
        await rm(dataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
