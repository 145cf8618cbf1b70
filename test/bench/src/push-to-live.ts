import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { allServices, ensureServices, servicesConfigFromEnv } from '@slipway/devenv';
import { type AgentProcess, type PushPlatform, startAgentProcess, startPushPlatform } from '@slipway/e2e';
import { type Bench, percentile } from './bench.js';
import {
  formatMarks,
  type Marks,
  medianMarks,
  recordEdgeUpdates,
  rolloutsOf,
  roundMarks,
  whatHappened,
} from './push-to-live-profile.js';

const run = promisify(execFile);
const rounds = 5;
const appDir = join(import.meta.dirname, '..', '..', '..', 'examples', 'hello');
const service = 'hello';
const healthIntervalMs = 1000;
const timeoutMs = 120_000;

/** examples/hello as repository files, with one replica and the bench's health interval. */
async function exampleFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(appDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[path.slice(appDir.length + 1)] = await readFile(path, 'utf8');
  }
  const yaml = files['slipway.yaml']!.replace(/replicas: \d+/, 'replicas: 1').replace(
    /interval: \w+/,
    `interval: ${healthIntervalMs}ms`,
  );
  if (!yaml.includes('replicas: 1') || !yaml.includes(`interval: ${healthIntervalMs}ms`))
    throw new Error('examples/hello/slipway.yaml no longer has replicas and a health interval to set');
  return { ...files, 'slipway.yaml': yaml };
}

/** The example's page showing `version` instead of its own. */
function page(template: string, version: string): string {
  const replaced = template.replace(/(<b id="version">)[^<]*(<\/b>)/, `$1${version}$2`);
  if (replaced === template) throw new Error('examples/hello/www/index.html has no <b id="version">');
  return replaced;
}

/** GET / at 127.0.0.1:`port` (with `host` as Host header); the status and body, or null on a connection error. */
function get(port: number, host?: string): Promise<{ status: number; body: string } | null> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', headers: host ? { host } : {}, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve(null));
      },
    );
    req.on('error', () => resolve(null));
    req.setTimeout(2000, () => req.destroy());
    req.end();
  });
}

/** Polls until GET / answers 200 with `version` on the page; when it first did (performance.now()). */
async function firstAnswer(port: number, version: string, host?: string): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  const wanted = `<b id="version">${version}</b>`;
  for (;;) {
    const answer = await get(port, host);
    if (answer?.status === 200 && answer.body.includes(wanted)) return performance.now();
    if (performance.now() > deadline) throw new Error(`version ${version} never answered on port ${port}`);
    await sleep(10);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

/** Raw Docker: `docker build` + `docker run` + the first GET answering the new page, in ms. */
async function rawRound(options: { context: string; image: string; label: string; version: string }) {
  const port = await freePort();
  const started = performance.now();
  await run('docker', ['build', '--label', options.label, '-t', options.image, options.context], {
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
  });
  const built = performance.now();
  const { stdout } = await run('docker', [
    'run',
    '-d',
    '--label',
    options.label,
    '-p',
    `127.0.0.1:${port}:8080`,
    options.image,
  ]);
  const ran = performance.now();
  try {
    const answered = await firstAnswer(port, options.version);
    return { elapsed: answered - started, build: built - started, run: ran - built, answer: answered - ran };
  } finally {
    await run('docker', ['rm', '-f', stdout.trim()]);
  }
}

/**
 * Waits until the rollout to the release at `sha` has finished and only its container runs: the
 * old one's drain and stop are over, so the next round starts on an idle platform.
 */
async function settled(platform: PushPlatform, sha: string): Promise<void> {
  const release = await platform.waitForRelease(service, sha);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rollout = (await rolloutsOf(platform)).find((r) => r.toRelease === release.id);
    const running = await platform.docker.listContainers({
      filters: JSON.stringify({
        label: [`io.slipway.tenant=${platform.tenant}`, `io.slipway.service=${service}`],
      }),
    });
    if (rollout?.status === 'succeeded' && running.length === 1) return;
    if (rollout && ['failed', 'cancelled'].includes(rollout.status))
      throw new Error(`the rollout to ${release.id} ended ${rollout.status}: ${rollout.reason}`);
    if (Date.now() > deadline) throw new Error(`the rollout to ${release.id} did not settle in time`);
    await sleep(100);
  }
}

/** Starts one agent process for the platform's tenant and waits for its first heartbeat. */
async function startOneAgent(platform: PushPlatform, stateDir: string): Promise<AgentProcess> {
  const api = platform.api!;
  const base = `/v1/tenants/${platform.tenant}`;
  const made = await api.request('POST', '/v1/tenants', { id: platform.tenant, name: 'bench' });
  if (made.status !== 201 && made.status !== 409) throw new Error(`creating the tenant: ${made.status}`);
  const token = await api.request('POST', `${base}/join-tokens`, { uses: 1 });
  const agent = startAgentProcess({
    apiUrl: api.url,
    tenant: platform.tenant,
    host: 'h-1',
    stateDir,
    joinToken: (token.body as { token: string }).token,
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await api.request('GET', `${base}/hosts`);
    if ((body as { items: { lastHeartbeat: string | null }[] }).items.some((h) => h.lastHeartbeat))
      return agent;
    if (Date.now() > deadline) throw new Error(`the agent did not report:\n${agent.lines.join('\n')}`);
    await sleep(100);
  }
}

/**
 * Push → live: a signed push webhook until the new page answers at the service's edge URL
 * (examples/hello, 1 replica, 1 agent process, health checked every second), against raw
 * `docker build` + `docker run` + the first GET answering the same app, 5 rounds each, taking
 * turns on who goes first. Each round changes the page on both sides (different bodies), so
 * both builds are real and neither reuses the other's layers. After each Slipway round the old
 * container's drain and stop finish before the next round (uncounted), so each push meets an
 * idle platform. A warm-up round on each side is not counted. Goal: overhead_ms (median difference) ≤ 2000.
 */
export const pushToLive: Bench = {
  name: 'push-to-live',
  description: `signed push webhook → new version at the edge vs raw docker build + run + first GET, ${rounds} rounds; goal overhead_ms <= 2000`,
  async run() {
    const services = servicesConfigFromEnv(process.env, process.cwd());
    await ensureServices({ config: services, only: allServices.filter((s) => s !== 'moto') });
    const files = await exampleFiles();
    const template = files['www/index.html']!;
    const platform = await startPushPlatform({
      files: { ...files, 'www/index.html': page(template, 'r0') },
      edge: true,
    });
    const workdir = await mkdtemp(join(tmpdir(), 'slipway-bench-push-to-live-'));
    const label = `io.slipway.tenant=${platform.tenant}`;
    const hostname = `${service}.${platform.tenant}.localhost`;
    const edge = platform.edge!;
    const updates = recordEdgeUpdates(edge, service);
    let agent: AgentProcess | undefined;
    const ours: number[] = [];
    const raw: number[] = [];
    const profiles: { pushed: number; marks: Marks }[] = [];
    const rawPhases: { build: number; run: number; answer: number }[] = [];

    const slipwayRound = async (round: number) => {
      const version = `r${round}`;
      const sha =
        round === 0
          ? platform.repo.sha
          : await platform.repo.commit({ 'www/index.html': page(template, version) });
      const pushed = Date.now();
      const started = performance.now();
      const answer = await platform.sendPush(sha);
      const accepted = Date.now();
      if (answer.status !== 200) throw new Error(`the GitHub App answered ${answer.status}`);
      const answeredAt = await firstAnswer(edge.port, version, hostname).catch(async (error: unknown) => {
        throw new Error(`${String(error)}; ${await whatHappened(platform, agent!, sha)}`);
      });
      const answered = Date.now();
      const elapsed = answeredAt - started;
      const marks = await roundMarks({
        platform,
        service,
        agent: agent!,
        sha,
        pushed,
        accepted,
        updates,
        answered,
      });
      console.error(`  slipway ${version}: ${Math.round(elapsed)} ms — ${formatMarks(pushed, marks)}`);
      await settled(platform, sha);
      return { elapsed, pushed, marks };
    };
    const rawRoundNumber = async (round: number) => {
      const version = `r${round}-raw`;
      const context = join(workdir, version);
      await cp(appDir, context, { recursive: true });
      await writeFile(join(context, 'www', 'index.html'), page(template, version));
      const image = `slipway-bench-raw-${platform.tenant}:${version}`;
      const raw = await rawRound({ context, image, label, version });
      console.error(
        `  raw ${version}: ${Math.round(raw.elapsed)} ms — docker build ${Math.round(raw.build)}, docker run ${Math.round(raw.run)}, first answer after ${Math.round(raw.answer)}`,
      );
      rawPhases.push(raw);
      return raw.elapsed;
    };

    try {
      agent = await startOneAgent(platform, join(workdir, 'agent'));
      console.error('warm-up (not counted): the first deploy and a first raw build');
      await slipwayRound(0);
      await rawRoundNumber(0);
      for (let round = 1; round <= rounds; round++) {
        const slipwayFirst = round % 2 === 1;
        if (!slipwayFirst) raw.push(await rawRoundNumber(round));
        const ourRound = await slipwayRound(round);
        ours.push(ourRound.elapsed);
        profiles.push(ourRound);
        if (slipwayFirst) raw.push(await rawRoundNumber(round));
      }
    } finally {
      await agent?.stop('SIGTERM');
      await platform.close();
      await rm(workdir, { recursive: true, force: true });
    }
    const median = Math.round(percentile(ours, 50));
    const baseline = Math.round(percentile(raw, 50));
    const overhead = median - baseline;
    console.error(
      `slipway: ${ours.map(Math.round).join(', ')} ms; raw: ${raw.map(Math.round).join(', ')} ms`,
    );
    console.error(
      `${overhead > 2000 ? 'over the goal; ' : ''}median ms after the push webhook was sent:\n${medianMarks(profiles)}`,
    );
    const rawMedian = (phase: 'build' | 'run' | 'answer') =>
      Math.round(
        percentile(
          rawPhases.slice(1).map((p) => p[phase]),
          50,
        ),
      );
    console.error(
      `raw medians: docker build ${rawMedian('build')} ms, docker run ${rawMedian('run')} ms, first answer ${rawMedian('answer')} ms after`,
    );
    return {
      bench: 'push-to-live',
      median_ms: median,
      baseline_median_ms: baseline,
      overhead_ms: overhead,
      rounds,
      goal_overhead_ms: 2000,
      health_interval_ms: healthIntervalMs,
      replicas: 1,
      agents: 1,
    };
  },
};
