// `npm run demo`: examples/hello pushed through the path a GitHub push takes — a signed push
// webhook to the running GitHub App, a build, a Release, a rollout, the edge — with a fake GitHub
// (@slipway/fakes) standing in for github.com; then a second version deployed under a load loop.
// Serves until Ctrl-C (or with --exit, stops at once), then removes everything it made.

import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalRegistry } from '@slipway/cloud';
import { cleanupDocker, cleanupRedis } from '@slipway/devenv/testing';
import { createGitRepo, examplePayload, sendWebhook, startFakeGitHub } from '@slipway/fakes';
import { releasesPrefix, rolloutsPrefix } from '@slipway/state';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { type LocalPlatform, LocalPlatformError, startLocalPlatform } from './local-platform.js';

const appDir = join(import.meta.dirname, '..', '..', 'examples', 'hello');
const [owner, name, service] = ['demo', 'hello', 'hello'];
const exitWhenDone = process.argv.includes('--exit');
const say = (line: string) => console.log(`slipway demo: ${line}`);
const versionPattern = /<b id="version">([^<]*)<\/b>/;

/** examples/hello's files as a commit, showing `version` on its page. */
async function helloFiles(version: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(appDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[path.slice(appDir.length + 1)] = await readFile(path, 'utf8');
  }
  const page = files['www/index.html'] ?? '';
  files['www/index.html'] = page.replace(versionPattern, `<b id="version">${version}</b>`);
  return files;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

/**
 * GET / through the edge with `host` as Host header (Node cannot resolve `*.localhost`): the
 * version the page shows, or why it failed.
 */
function getVersion(
  port: number,
  host: string,
  agent?: Agent,
): Promise<{ version?: string; failure?: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host }, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => {
        const version = versionPattern.exec(body)?.[1];
        resolve(res.statusCode === 200 && version ? { version } : { failure: `HTTP ${res.statusCode}` });
      });
      res.on('error', (error) => resolve({ failure: error.message }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ failure: error.code ?? error.message }));
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.end();
  });
}

/** Steady GETs through the edge until stopped: every answer's version in order, and every failure. */
function startLoadLoop(port: number, host: string, ratePerSecond: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const versions: string[] = [];
  const failures: string[] = [];
  const pending = new Set<Promise<void>>();
  const started = performance.now();
  let sent = 0;
  let slowestMs = 0;
  // A busy machine delays timers: each tick sends what the rate owes so far.
  const timer = setInterval(() => {
    const owed = Math.floor(((performance.now() - started) * ratePerSecond) / 1000) - sent;
    for (let i = 0; i < owed; i++) {
      sent += 1;
      const sentAt = performance.now();
      const done = getVersion(port, host, agent).then(({ version, failure }) => {
        slowestMs = Math.max(slowestMs, performance.now() - sentAt);
        if (version) versions.push(version);
        else failures.push(failure ?? 'unknown');
      });
      pending.add(done);
      void done.finally(() => pending.delete(done));
    }
  }, 10);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      agent.destroy();
      return { sent, versions, failures, slowestMs };
    },
  };
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 180_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// Its own tenant and key prefix (not SLIPWAY_LOCAL_TENANT / SLIPWAY_REDIS_PREFIX, which may be
// npm start's): the clean-up removes every container, image and key under them.
const { env: given } = process;
const tenant = given.SLIPWAY_DEMO_TENANT || 'demo';
const prefix = given.SLIPWAY_DEMO_PREFIX || `slipway-demo-${randomBytes(4).toString('hex')}`;
const dataDir = await mkdtemp(join(tmpdir(), 'slipway-demo-'));
const fake = await startFakeGitHub();
const repo = await createGitRepo({ files: await helloFiles('1') });
const added = fake.addRepo({ owner, name, git: repo });
const repositoryId = added.id;
const installationId = added.installationId ?? 0; // the fake installs the app on every repository it adds
const appPort = Number(given.PORT) || (await freePort());
const env: NodeJS.ProcessEnv = {
  ...given,
  APP_ID: String(fake.appId),
  PRIVATE_KEY: fake.privateKey,
  WEBHOOK_SECRET: fake.webhookSecret,
  GHE_HOST: fake.host,
  GHE_PROTOCOL: 'http',
  PORT: String(appPort),
  HOST: '127.0.0.1',
  LOG_LEVEL: given.LOG_LEVEL || 'warn',
  SLIPWAY_API_PORT: given.SLIPWAY_API_PORT || '0',
  SLIPWAY_DATA_DIR: dataDir,
  SLIPWAY_REDIS_PREFIX: prefix,
  SLIPWAY_LOCAL_TENANT: tenant,
};

let platform: LocalPlatform | undefined;
let cleaning: Promise<void> | undefined;
/** Stops the platform and removes what the demo made: containers, images, registry repositories, keys, files. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await platform?.close();
    if (platform) {
      const { services } = platform;
      const registry = new LocalRegistry({ address: services.registryAddress });
      for (const { service: made } of await registry.listRepositories({ tenant }).catch(() => []))
        await registry.deleteRepository({ tenant, service: made });
      await cleanupDocker(new Docker({ socketPath: services.dockerSocket }), `io.slipway.tenant=${tenant}`);
      const redis = new Redis(services.redisUrl);
      await cleanupRedis(redis, prefix).finally(() => redis.disconnect());
    }
    await fake.close();
    await repo.remove();
    await rm(dataDir, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say('stopping; removing what the demo made');
    void cleanUp().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('slipway demo: the clean-up failed', error);
        process.exit(1);
      },
    );
  });
}

async function push(sha: string, version: string): Promise<{ seconds: string; releaseId: string }> {
  const started = performance.now();
  const payload = examplePayload('push', {
    repository: { owner, name, id: repositoryId },
    installationId,
    sha,
    ref: 'main',
  });
  const webhook = `http://127.0.0.1:${appPort}/api/github/webhooks`;
  const answer = await sendWebhook(webhook, { event: 'push', payload, secret: fake.webhookSecret });
  if (answer.status !== 200) throw new Error(`the GitHub App answered the push with HTTP ${answer.status}`);
  say(`pushed v${version} (${sha.slice(0, 7)}): signed push webhook → ${webhook}`);
  const { repos } = platform!.controller.services;
  const release = await waitFor(`the Release of v${version}`, async () =>
    (await repos.releases.scan(releasesPrefix(tenant))).documents
      .map((d) => d.value)
      .find((r) => r.commit === sha),
  );
  const rollout = await waitFor(`the rollout of v${version} to finish`, async () =>
    (await repos.rollouts.scan(rolloutsPrefix(tenant))).documents
      .map((d) => d.value)
      .find((r) => r.toRelease === release.id && ['succeeded', 'failed', 'cancelled'].includes(r.status)),
  );
  if (rollout.status !== 'succeeded')
    throw new Error(`the rollout of v${version} ${rollout.status}: ${rollout.reason ?? 'no reason given'}`);
  return { seconds: ((performance.now() - started) / 1000).toFixed(1), releaseId: release.id };
}

async function run(): Promise<boolean> {
  platform = await startLocalPlatform({ env, cwd: process.cwd(), envFile: join(dataDir, '.env') });
  await platform.controller.services.installations.bind(installationId, tenant);
  say(`a fake GitHub at ${fake.baseUrl} stands in for github.com (repository ${owner}/${name})`);
  const { port } = platform.edge;
  const host = `${service}.${tenant}.localhost`;
  const url = `http://${host}:${port}`;

  const v1 = await push(repo.sha, '1');
  await waitFor('v1 at the edge', async () =>
    (await getVersion(port, host)).version === '1' ? true : undefined,
  );
  say(`v1 answered at the edge, rolled out ${v1.seconds} s after the push`);
  say(`live at ${url}`);
  say(`  curl -H 'Host: ${host}' http://127.0.0.1:${port}/   (if *.localhost does not resolve here)`);

  const load = startLoadLoop(port, host, 50);
  const sha = await repo.commit({ 'www/index.html': (await helloFiles('2'))['www/index.html']! });
  say('deploying v2 under a load loop of 50 requests/s through the edge…');
  const v2 = await push(sha, '2');
  await waitFor('v2 at the edge', async () =>
    (await getVersion(port, host)).version === '2' ? true : undefined,
  );
  const { sent, versions, failures, slowestMs } = await load.stop();
  say(`v2 answered at the edge, rolled out ${v2.seconds} s after the push`);
  // The deploy check run concludes once the old containers have drained, a moment after v2 answers.
  const checks = await waitFor(
    'v2 check runs to conclude',
    async () => {
      const runs = fake.checkRuns({ owner, repo: name }).filter((c) => c.head_sha === sha);
      const done = runs.length >= 2 && runs.every((c) => c.status === 'completed');
      return done ? runs.map((c) => `${c.name}: ${c.conclusion}`) : undefined;
    },
    60_000,
  ).catch(() =>
    fake
      .checkRuns({ owner, repo: name })
      .filter((c) => c.head_sha === sha)
      .map((c) => `${c.name}: ${c.conclusion ?? c.status}`),
  );
  say(`GitHub check runs on v2: ${checks.join(', ')}`);
  // While the replicas roll one by one both versions answer; before it only v1, after it only v2.
  const seen = [...new Set(versions)];
  const oldThenNew = versions[0] === '1' && versions.at(-1) === '2' && seen.length === 2;
  if (failures.length === 0 && oldThenNew) {
    say(`zero failed requests (${sent} requests, old then new)`);
    say(`slowest answer during the deploy: ${Math.round(slowestMs)} ms`);
    return true;
  }
  const failed = [...new Set(failures)].join(', ') || 'none';
  say(
    `${failures.length} failed requests of ${sent} (${failed}); first answer v${versions[0]}, last v${versions.at(-1)}, versions seen ${seen.join(', ')}`,
  );
  return false;
}

try {
  const ok = await run();
  if (exitWhenDone || !ok) {
    await cleanUp();
    process.exit(ok ? 0 : 1);
  }
  say(
    `serving v2 at http://${service}.${tenant}.localhost:${platform!.edge.port} (Ctrl-C stops and removes what the demo made)`,
  );
} catch (error) {
  console.error(`slipway demo: ${error instanceof LocalPlatformError ? error.message : String(error)}`);
  await cleanUp().catch((cleanup: unknown) => console.error('slipway demo: the clean-up failed', cleanup));
  process.exit(error instanceof LocalPlatformError ? error.exitCode : 1);
}
