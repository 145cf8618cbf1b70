// A secret env var end to end, with debug logging on everywhere: set through the API, named in
// slipway.yaml, built and rolled out by a push, seen by the container — and found in no log line of
// any component, no Redis key or command (job payloads included), no request to GitHub (check runs
// included), no API response and no stored document.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Rollout } from '@slipway/core';
import { listAll } from '@slipway/state';
import { type AgentProcess, startAgentProcess } from '../src/agent-process.js';
import { eventually } from '../src/eventually.js';
import { type Captured, encodedForms, findLeaks } from '../src/leak-search.js';
import { type PushPlatform, startPushPlatform } from '../src/push-platform.js';
import { type RedisCommandWatch, redisValues, watchRedisCommands } from '../src/redis-capture.js';
import { running, tenantContainers } from '../src/tenant-containers.js';

const SECRET_NAME = 'APP_SECRET';
// Random per run, so a hit can only come from this run; never printed by this file.
const secret = `sw-${randomBytes(24).toString('hex')}`;
const secretSha256 = createHash('sha256').update(secret).digest('hex');

const YAML = [
  'services:',
  '  web:',
  '    build: {}',
  '    port: 8080',
  '    replicas: 1',
  '    resources: { cpu: 50m, memory: 16Mi }',
  '    health: { path: /, interval: 1s, timeout: 500ms }',
  `    secrets: [${SECRET_NAME}]`,
  'branches:',
  '  main: production',
  '',
].join('\n');
// The page is the sha256 of the value, computed in the container: proof it sees the value,
// without the value going over the wire.
const START = [
  'mkdir -p /www',
  `printf %s "$${SECRET_NAME}" | busybox sha256sum > /www/index.html`,
  'exec httpd -f -p 8080 -h /www',
  '',
].join('\n');
const DOCKERFILE = 'FROM slipway/busybox:local\nCOPY start.sh /start.sh\nCMD ["sh", "/start.sh"]\n';

const logs: string[] = [];
const responses: Captured[] = [];
let platform: PushPlatform;
let agentsDir: string;
let agent: AgentProcess | undefined;
let redisCommands: RedisCommandWatch | undefined;
let sha: string;

/** Calls the API as the admin and keeps every answer for the search. */
async function api(method: string, path: string, body?: unknown) {
  const answer = await platform.api!.request(method, path, body);
  responses.push({
    where: `API ${method} ${path} → ${answer.status}`,
    text: JSON.stringify(answer.body) ?? '',
  });
  return answer;
}
const base = () => `/v1/tenants/${platform.tenant}`;
const containsSecret = (text: string) => findLeaks(secret, [{ where: '', text }]).length > 0;

/** GET / through the local edge, as a user of `web.<tenant>.localhost` would. */
function getThroughEdge(): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: platform.edge!.port,
        path: '/',
        headers: { host: `web.${platform.tenant}.localhost` },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  platform = await startPushPlatform({
    files: { 'slipway.yaml': YAML, Dockerfile: DOCKERFILE, 'start.sh': START },
    edge: true,
    logLevel: 'debug',
    logs,
  });
  redisCommands = await watchRedisCommands(platform.redis, platform.prefix, containsSecret);
  agentsDir = await mkdtemp(join(tmpdir(), 'slipway-e2e-agents-'));
  expect((await api('POST', '/v1/tenants', { id: platform.tenant, name: 'Acme' })).status).toBe(201);
  const token = await api('POST', `${base()}/join-tokens`, { uses: 1 });
  expect(token.status).toBe(201);
  agent = startAgentProcess({
    apiUrl: platform.api!.url,
    tenant: platform.tenant,
    host: 'h-1',
    stateDir: join(agentsDir, 'h-1'),
    joinToken: (token.body as { token: string }).token,
  });
  await eventually(
    'the host reporting',
    () => api('GET', `${base()}/hosts`),
    (r) => (r.body as { items: { lastHeartbeat: string | null }[] }).items.some((h) => h.lastHeartbeat),
  );
  const set = await api('PUT', `${base()}/environments/production/services/web/secrets/${SECRET_NAME}`, {
    value: secret,
  });
  expect(set.status).toBe(204);

  sha = platform.repo.sha;
  expect((await platform.sendPush(sha)).status).toBe(200);
  const release = await platform.waitForRelease('web', sha, { timeoutMs: 60_000 });
  const { value: rollout } = await eventually(
    'the rollout of the pushed release to finish',
    async () =>
      (
        (await api('GET', `${base()}/services/production/web/rollouts`)).body as { items: Rollout[] }
      ).items.find((r) => r.toRelease === release.id),
    (r) => r !== undefined && ['succeeded', 'failed', 'cancelled'].includes(r.status),
    { timeoutMs: 60_000, everyMs: 250 },
  );
  expect(rollout).toMatchObject({ status: 'succeeded', reason: null });
  // The deploy check run is written after the rollout: wait for it, so its text is searched too.
  await eventually(
    'the deploy check run to complete',
    async () =>
      platform.fake
        .checkRuns({ owner: platform.owner, repo: platform.name })
        .find((run) => run.head_sha === sha && run.name === 'Slipway deploy / web'),
    (run) => run?.status === 'completed',
  );
}, 120_000);

afterAll(async () => {
  await redisCommands?.stop();
  await agent?.stop('SIGTERM');
  await platform?.close();
  if (agentsDir) await rm(agentsDir, { recursive: true, force: true });
}, 60_000);

describe('a secret env var, end to end with debug logging', () => {
  it('reaches the running container: it serves the sha256 of the value', async () => {
    const { value: page } = await eventually(
      'web answering through the edge',
      getThroughEdge,
      (r) => r.status === 200,
    );
    expect(page.body).toBe(`${secretSha256}  -\n`);
    const checks = platform.fake.checkRuns({ owner: platform.owner, repo: platform.name });
    expect(checks.filter((run) => run.head_sha === sha).map((run) => [run.name, run.conclusion])).toEqual(
      expect.arrayContaining([
        ['Slipway build / web', 'success'],
        ['Slipway deploy / web', 'success'],
      ]),
    );
  });

  it('is not baked into the image the container runs (config and history)', async () => {
    const [container] = running(await tenantContainers(platform.docker, platform.tenant), 'web');
    const { Image } = await platform.docker.getContainer(container!.id).inspect();
    const image = platform.docker.getImage(Image);
    const [config, history] = await Promise.all([image.inspect(), image.history()]);
    expect(JSON.stringify(config.Config.Cmd)).toContain('/start.sh');
    expect(
      findLeaks(secret, [
        { where: 'image config', text: JSON.stringify(config) },
        { where: 'image history', text: JSON.stringify(history) },
      ]),
    ).toEqual([]);
  });

  it('is in no log line of the GitHub App, builder, controller, edge or agent', () => {
    const agentLines = agent!.lines;
    // Every component logged at debug level, so the search below covers what it says.
    for (const component of [
      '"service":"github-app"',
      '"service":"builder-docker"',
      '"app":"controller"',
      '"app":"edge"',
    ])
      expect(logs.some((line) => line.includes(component))).toBe(true);
    expect(logs.some((line) => (JSON.parse(line) as { level: number }).level === 20)).toBe(true);
    expect(agentLines.some((line) => /"level":20/.test(line))).toBe(true);
    expect(
      findLeaks(secret, [
        ...logs.map((text, i) => ({ where: `in-process log line ${i}`, text })),
        ...agentLines.map((text, i) => ({ where: `agent h-1 output line ${i}`, text })),
      ]),
    ).toEqual([]);
  });

  it('is in no Redis key or command: job payloads, log streams, pub/sub', async () => {
    const values = await redisValues(platform.redis, platform.prefix);
    expect(values.length).toBeGreaterThan(0);
    expect(redisCommands!.seen()).toBeGreaterThan(0);
    expect(redisCommands!.matched).toEqual([]);
    expect(findLeaks(secret, values)).toEqual([]);
  });

  it('is in no request to GitHub, check-run text included', () => {
    const requests = [...platform.fake.requests];
    expect(requests.some((r) => r.method === 'POST' && /\/check-runs$/.test(r.path))).toBe(true);
    expect(
      findLeaks(secret, [
        ...requests.map((r, i) => ({
          where: `GitHub request ${i} ${r.method} ${r.path}`,
          text: JSON.stringify({ url: r.url, headers: r.headers, body: r.body }),
        })),
        ...platform.fake
          .checkRuns({ owner: platform.owner, repo: platform.name })
          .map((run) => ({ where: `check run ${String(run.name)}`, text: JSON.stringify(run) })),
      ]),
    ).toEqual([]);
  });

  it('is in no API response, the service, its release, rollout, secrets list and audit log included', async () => {
    const [release] = await platform.releases();
    for (const path of [
      `${base()}/services`,
      `${base()}/services/production/web`,
      `${base()}/services/production/web/rollouts`,
      `${base()}/environments/production/services/web/secrets`,
      `${base()}/releases`,
      `${base()}/releases/${release!.id}`,
      `${base()}/allocations`,
      `${base()}/builds`,
      `${base()}/hosts/h-1`,
      `${base()}/audit`,
      '/v1/audit',
    ])
      expect((await api('GET', path)).status).toBe(200);
    const names = responses.find((r) => r.where.startsWith(`API GET ${base()}/environments/`));
    expect(names?.text).toContain(SECRET_NAME);
    expect(findLeaks(secret, responses)).toEqual([]);
  });

  it('is in no stored document nor any file of the agent, and its name is in the release', async () => {
    const documents: Captured[] = [];
    for await (const { key } of listAll(platform.store, '')) {
      const document = await platform.store.get(key);
      if (document) documents.push({ where: `state ${key}`, text: JSON.stringify(document.value) });
    }
    expect(documents.some((d) => d.where.includes('/secrets'))).toBe(true);
    // The release records which secrets the service needs — by name only.
    expect(documents.some((d) => d.where.includes('/releases/') && d.text.includes(SECRET_NAME))).toBe(true);
    const agentFiles = await Promise.all(
      (await filesUnder(agentsDir)).map(async (file) => ({
        where: `agent file ${file}`,
        text: await readFile(file, 'utf8'),
      })),
    );
    expect(agentFiles.length).toBeGreaterThan(0);
    expect(findLeaks(secret, [...documents, ...agentFiles])).toEqual([]);
  });

  it('searches every encoding it claims to (the search itself finds a planted value)', () => {
    const blob = Buffer.from(`xx${secret}yy`).toString('base64');
    expect(findLeaks(secret, [{ where: 'planted', text: `a ${blob} b` }])).toEqual(
      expect.arrayContaining(['planted: base64 at offset 2']),
    );
    expect([...encodedForms(secret).keys()]).toContain('base64 at offset 2');
  });
});
