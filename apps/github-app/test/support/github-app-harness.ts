import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { createGitRepo, type FakeGitHub, type GitRepo, signWebhook, startFakeGitHub } from '@slipway/fakes';
import { createQueues, type Queues, webhookJobId } from '@slipway/queue';
import { FsStateStore, Installations } from '@slipway/state';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { githubAppConfigFromEnv } from '../../src/config.js';
import { WEBHOOK_PATH } from '../../src/create-github-app.js';
import { type RunningGitHubApp, startGitHubApp } from '../../src/start-github-app.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface HarnessRepo {
  git: GitRepo;
  id: number;
  fullName: string;
  owner: string;
  name: string;
  installationId: number;
}

/** What became of one delivery in the intake worker. */
export interface Delivered {
  status: number;
  deliveryId: string;
  state?: string;
  returnvalue?: unknown;
  failedReason?: string | undefined;
}

/**
 * The GitHub App started exactly as `npm start` starts it — `githubAppConfigFromEnv` +
 * `startGitHubApp`, in process — against a fake GitHub, real Redis (a unique prefix) and a
 * local state store in a temp folder; plus what tests need to drive and inspect it.
 */
export class GitHubAppHarness {
  readonly prefix = uniquePrefix('ghapp');
  readonly tenant = uniquePrefix('acme');
  readonly logs: Array<Record<string, unknown>> = [];
  /** Added to the app's clock: a test moves it to control `receivedAt`. */
  clockOffsetMs = 0;
  fake!: FakeGitHub;
  redis!: Redis;
  queues!: Queues;
  installations!: Installations;
  /** The app's state store (its folder), for a test to arrange policies and services. */
  store!: FsStateStore;
  app!: RunningGitHubApp;
  url!: string;
  #dataDir!: string;
  #repos: GitRepo[] = [];

  async start(): Promise<this> {
    this.fake = await startFakeGitHub();
    this.#dataDir = await mkdtemp(join(tmpdir(), 'ghapp-e2e-'));
    const config = githubAppConfigFromEnv(
      {
        APP_ID: String(this.fake.appId),
        PRIVATE_KEY: this.fake.privateKey,
        WEBHOOK_SECRET: this.fake.webhookSecret,
        GHE_HOST: this.fake.host,
        GHE_PROTOCOL: 'http',
        PORT: '0',
        HOST: '127.0.0.1',
        REDIS_URL: redisUrl,
        SLIPWAY_REDIS_PREFIX: this.prefix,
        SLIPWAY_DATA_DIR: this.#dataDir,
      },
      this.#dataDir,
    );
    const logger = pino(
      { level: 'debug' },
      { write: (line: string) => void this.logs.push(JSON.parse(line)) },
    );
    this.app = await startGitHubApp({
      config,
      logger,
      now: () => new Date(Date.now() + this.clockOffsetMs),
      // The fake GitHub never rate-limits: without probot's spacing of writes the tests run at speed.
      throttle: false,
    });
    this.url = `http://127.0.0.1:${this.app.port}${WEBHOOK_PATH}`;
    this.redis = new Redis(redisUrl);
    this.queues = createQueues({ connection: this.redis, prefix: this.prefix });
    // The same folder the app uses (config.state.root): bindings written here are the app's.
    this.store = new FsStateStore({ root: join(this.#dataDir, 'state'), durable: false });
    this.installations = new Installations({ store: this.store });
    return this;
  }

  #closing: Promise<void> | undefined;

  /** Stops everything and removes what the run left in Redis and on disk. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await this.app?.close();
    await this.queues?.close();
    if (this.redis) {
      await cleanupRedis(this.redis, this.prefix);
      await this.redis.quit();
    }
    await this.fake?.close();
    await Promise.all(this.#repos.map((repo) => repo.remove()));
    if (this.#dataDir) await rm(this.#dataDir, { recursive: true, force: true });
  }

  /** A repository on the fake backed by real git, installed, and bound to `tenant` unless `bind: false`. */
  async addRepo(options: {
    owner: string;
    name: string;
    files: Record<string, string>;
    bind?: boolean;
  }): Promise<HarnessRepo> {
    const git = await createGitRepo({ files: options.files });
    this.#repos.push(git);
    const added = this.fake.addRepo({ owner: options.owner, name: options.name, git });
    const installationId = added.installationId!;
    if (options.bind !== false) await this.installations.bind(installationId, this.tenant);
    return {
      git,
      id: added.id,
      fullName: added.fullName,
      owner: options.owner,
      name: options.name,
      installationId,
    };
  }

  /** POSTs a signed delivery and returns GitHub's view of the answer. */
  async send(
    event: string,
    payload: unknown,
    options: { deliveryId?: string; secret?: string } = {},
  ): Promise<{ status: number; deliveryId: string }> {
    const signed = signWebhook({
      ...options,
      event,
      payload,
      secret: options.secret ?? this.fake.webhookSecret,
    });
    const response = await fetch(this.url, { method: 'POST', headers: signed.headers, body: signed.body });
    await response.arrayBuffer();
    return { status: response.status, deliveryId: signed.headers['x-github-delivery']! };
  }

  /** Sends a delivery and waits until the intake worker has finished it. */
  async deliver(event: string, payload: unknown, options: { deliveryId?: string } = {}): Promise<Delivered> {
    const sent = await this.send(event, payload, options);
    if (sent.status !== 200) return sent;
    return { ...sent, ...(await this.finished(sent.deliveryId)) };
  }

  /** Waits for the intake job of a delivery to complete or fail. */
  async finished(deliveryId: string): Promise<Omit<Delivered, 'status' | 'deliveryId'>> {
    const id = webhookJobId({ deliveryId });
    for (let i = 0; i < 400; i++) {
      const state = await this.queues.webhookEvents.getJobState(id);
      if (state === 'completed' || state === 'failed') {
        const job = await this.queues.webhookEvents.getJob(id);
        return { state, returnvalue: job?.returnvalue as unknown, failedReason: job?.failedReason };
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`delivery ${deliveryId} was not handled within 10 s`);
  }

  /** Opens a pull request on the fake, as a person would; `head` is `branch` or `owner:branch` (a fork). */
  async openPullRequest(repo: HarnessRepo, head: string, base = 'main'): Promise<number> {
    const response = await fetch(`${this.fake.baseUrl}/repos/${repo.fullName}/pulls`, {
      method: 'POST',
      headers: {
        authorization: `token ${this.fake.createInstallationToken(repo.installationId)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ title: `Change ${head}`, head, base }),
    });
    const body = (await response.json()) as { number: number; message?: string };
    if (response.status !== 201)
      throw new Error(`opening a pull request failed: ${response.status} ${body.message}`);
    return body.number;
  }

  /** Closes (or reopens) a pull request on the fake. */
  async closePullRequest(
    repo: HarnessRepo,
    number: number,
    state: 'closed' | 'open' = 'closed',
  ): Promise<void> {
    await this.github(repo, 'PATCH', `/repos/${repo.fullName}/pulls/${number}`, { state });
  }

  /** Calls the fake GitHub as the repository's installation; throws unless it answers 2xx. */
  async github(repo: HarnessRepo, method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.fake.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `token ${this.fake.createInstallationToken(repo.installationId)}`,
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path} failed: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  checkRuns(repo: Pick<HarnessRepo, 'owner' | 'name'>) {
    return this.fake.checkRuns({ owner: repo.owner, repo: repo.name });
  }

  /** Build job ids in the queue that belong to `tenant`. */
  async buildJobIds(): Promise<string[]> {
    const jobs = await this.queues.builds.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
    return jobs.map((job) => job.id ?? '').sort();
  }
}
