import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildJobId, readBuildLog } from '@slipway/queue';
import { buildKey, createRepositories, FsStateStore, releasesPrefix } from '@slipway/state';
import { type Builder, builderConfigFromEnv, buildIdFor, startBuilder } from '../src/index.js';
import { type Harness, openHarness, REGISTRY } from './support/build-harness.js';
import { type GitHubSide, openGitHub } from './support/github.js';
import { memoryLogger } from './support/memory-logger.js';

const ROOT = resolve(import.meta.dirname, '../../..');
let h: Harness;
let gh: GitHubSide;
let dataDir: string;
let store: FsStateStore;
let child: ChildProcess | undefined;
let survivor: Builder | undefined;

beforeAll(async () => {
  h = await openHarness('stall');
  gh = await openGitHub();
  dataDir = await mkdtemp(join(tmpdir(), 'slipway-stall-'));
  store = new FsStateStore({ root: join(dataDir, 'state'), durable: false });
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await survivor?.close();
  await gh.close();
  await store.close();
  await h.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The builder's environment, as `npm start` would set it, pointed at this test's services. */
function builderEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    APP_ID: String(gh.fake.appId),
    PRIVATE_KEY: gh.fake.privateKey,
    GHE_HOST: gh.fake.host,
    GHE_PROTOCOL: 'http',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    SLIPWAY_REDIS_PREFIX: h.prefix,
    SLIPWAY_MODE: 'local',
    SLIPWAY_DATA_DIR: dataDir,
    SLIPWAY_REGISTRY: REGISTRY,
    SLIPWAY_BUILD_CONCURRENCY: '1',
    // A dead builder's lock runs out after 2 s; the survivor looks for stalled jobs every second.
    SLIPWAY_BUILD_LOCK_MS: '2000',
    SLIPWAY_BUILD_STALLED_INTERVAL_MS: '1000',
    LOG_LEVEL: 'warn',
    TEST_IMAGE_LABELS: JSON.stringify(h.labels),
  };
}

async function startChild(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const builder = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'support/builder-process.ts')],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  builder.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((ready, fail) => {
    builder.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
    builder.once('exit', (code) =>
      fail(new Error(`the builder process exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
  return builder;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a builder process killed mid-build', () => {
  it('leaves its job to another builder (stalled-job recovery), and exactly one Release is recorded', async () => {
    const source = await h.source({
      Dockerfile: 'FROM slipway/busybox:local\nRUN sleep 5\nCOPY index.html /www/index.html\n',
      'index.html': '<h1>survived</h1>\n',
    });
    const { fullName, installationId } = gh.addRepo(source, 'stalled');
    const tenant = h.tenant('stalled');
    const jobId = buildJobId({ tenant, service: 'web', environment: 'production', sha: source.sha });
    const buildId = buildIdFor({ tenant, service: 'web', environment: 'production', sha: source.sha });
    const env = builderEnv();
    child = await startChild(env);

    await h.queues.builds.add('build', h.job({ tenant, sha: source.sha, fullName, installationId }), {
      jobId,
    });
    await until('the build to reach RUN sleep 5', async () => {
      const { lines } = await readBuildLog(h.redis, { tenant, buildId, prefix: h.prefix });
      return lines.some((entry) => /^Step 2\/\d+ : RUN sleep 5$/.test(entry.line)) || undefined;
    });
    const killed = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGKILL');
    await killed;
    expect(await h.queues.builds.getJobState(jobId)).toBe('active');

    const logger = memoryLogger();
    survivor = await startBuilder({ config: builderConfigFromEnv(env, ROOT), logger, labels: h.labels });
    const state = await until('the job to complete', async () => {
      const current = await h.queues.builds.getJobState(jobId);
      return current === 'completed' || current === 'failed' ? current : undefined;
    });
    expect(state).toBe('completed');
    expect(logger.entries.some((entry) => entry.message.startsWith('build job stalled'))).toBe(true);

    const repos = createRepositories(store);
    const releases = await repos.releases.scan(releasesPrefix(tenant));
    expect(releases.documents).toHaveLength(1);
    const job = await h.queues.builds.getJob(jobId);
    expect(job?.returnvalue).toMatchObject({
      status: 'succeeded',
      releaseId: releases.documents[0]?.value.id,
      built: true,
    });
    expect((await repos.builds.require(buildKey({ tenant, id: buildId }))).value.status).toBe('succeeded');
    expect(gh.checkRuns(fullName)).toMatchObject([{ conclusion: 'success' }]);
    expect(await h.queues.deploys.getJob(releases.documents[0]!.value.id)).toBeDefined();
  }, 90_000);
});
