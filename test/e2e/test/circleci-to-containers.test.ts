// A push of a `builder: circleci` service becomes a running container without Slipway building it:
// signed GitHub push → GitHub App intake → `circleci-builds` → the CircleCI builder triggers a
// pipeline on the fake CircleCI (which checks the token and the parameters) → the "CI job" builds
// the repository's Dockerfile at the asked commit and pushes the asked tag to the local registry →
// CircleCI's signed webhook → the image verified → Release → the controller's deploy → an agent →
// answering through the local edge. Failure, cancel, a bad webhook signature, a pipeline without
// the image and an unreachable CircleCI are covered at the builder's level (builders/circleci/test).
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PIPELINE_PARAMETERS } from '@slipway/builder-circleci';
import { buildContextFromTarball, pushImage } from '@slipway/builder-docker';
import type { Rollout } from '@slipway/core';
import { type FakeCircleci, type FakePipeline, startFakeCircleci } from '@slipway/fakes';
import { buildKey } from '@slipway/state';
import { parse } from 'yaml';
import type { AgentProcess } from '../src/agent-process.js';
import { edgeGet } from '../src/edge-get.js';
import { eventually } from '../src/eventually.js';
import { startJoinedAgent } from '../src/joined-agent.js';
import { type PushPlatform, startPushPlatform } from '../src/push-platform.js';
import { HTTPD_CMD } from '../src/web-image.js';

const examples = join(import.meta.dirname, '..', '..', '..', 'examples', 'circleci');
const PAGE = 'built by the CircleCI pipeline\n';
const YAML = [
  'services:',
  '  web:',
  '    build: { builder: circleci }',
  '    port: 8080',
  '    replicas: 1',
  '    resources: { cpu: 100m, memory: 16Mi }',
  '    health: { path: /, interval: 1s, timeout: 500ms }',
  'branches:',
  '  main: production',
  '',
].join('\n');
const DOCKERFILE = `FROM slipway/busybox:local\nCOPY index.html /www/index.html\n${HTTPD_CMD}\n`;

let circleci: FakeCircleci;
let platform: PushPlatform;
let agentsDir: string;
let agent: AgentProcess | undefined;
const webhookSecret = `whsec-${randomUUID()}`;
/** What the "CI job" was given, in the order pipelines ran. */
const jobs: FakePipeline[] = [];

const api = (method: string, path: string, body?: unknown) => platform.api!.request(method, path, body);
const base = () => `/v1/tenants/${platform.tenant}`;

/**
 * What examples/circleci/.circleci/config.yml does on CircleCI: check out the commit named by
 * `slipway_image_tag`, `docker build` the repository's Dockerfile, push `<repository>:<tag>`.
 */
async function ciJob(pipeline: FakePipeline): Promise<void> {
  jobs.push(pipeline);
  const repository = String(pipeline.parameters[PIPELINE_PARAMETERS.repository]);
  const tag = String(pipeline.parameters[PIPELINE_PARAMETERS.tag]);
  const checkout = await platform.repo.archive(tag, `${platform.name}-${tag.slice(0, 7)}`);
  const output = (await platform.docker.buildImage(buildContextFromTarball(checkout, { contextPath: '.' }), {
    t: `${repository}:${tag}`,
    // Labelled as the tenant's, so the platform's clean-up removes this image too.
    labels: { 'io.slipway.tenant': platform.tenant },
  })) as Readable;
  await new Promise<void>((resolve, reject) =>
    platform.docker.modem.followProgress(output, (error: Error | null, events: { error?: string }[]) => {
      const failed = events?.find((event) => event.error);
      if (error || failed) reject(error ?? new Error(failed?.error));
      else resolve();
    }),
  );
  await pushImage({
    docker: platform.docker,
    tag: `${repository}:${tag}`,
    authconfig: { serveraddress: repository.split('/')[0]! },
  });
}

beforeAll(async () => {
  const circleciConfig = await readFile(join(examples, '.circleci', 'config.yml'), 'utf8');
  circleci = await startFakeCircleci();
  platform = await startPushPlatform({
    files: {
      'slipway.yaml': YAML,
      Dockerfile: DOCKERFILE,
      'index.html': PAGE,
      '.circleci/config.yml': circleciConfig,
    },
    edge: true,
    // Polling would not answer within the test: only CircleCI's webhook can end the pipeline.
    circleci: { apiUrl: circleci.url, pollMs: 600_000 },
    env: { SLIPWAY_DRAIN_MS: '500' },
  });
  // The project on CircleCI declares exactly the parameters of the sample config: an undeclared one is refused (400).
  const { parameters } = parse(circleciConfig) as { parameters: Record<string, unknown> };
  circleci.addProject(`gh/${platform.owner}/${platform.name}`, { parameters: Object.keys(parameters) });
  circleci.setWebhook({
    url: `${platform.circleciBuilder!.webhookUrl}/circleci/webhooks/${platform.tenant}`,
    secret: webhookSecret,
  });
  circleci.script({ outcome: 'success', work: ciJob });

  // The tenant's set-up, as builders/circleci/README.md tells an admin to do it: through the API.
  expect([201, 409]).toContain(
    (await api('POST', '/v1/tenants', { id: platform.tenant, name: 'Acme' })).status,
  );
  expect(
    (await api('PATCH', `${base()}/policy`, { permissions: { allowedBuilders: ['native', 'circleci'] } }))
      .status,
  ).toBe(200);
  for (const [name, value] of [
    ['CIRCLECI_TOKEN', circleci.token],
    ['CIRCLECI_WEBHOOK_SECRET', webhookSecret],
  ] as const)
    expect((await api('PUT', `${base()}/secrets/${name}`, { value })).status).toBe(204);

  agentsDir = await mkdtemp(join(tmpdir(), 'slipway-e2e-agents-'));
  agent = await startJoinedAgent(platform, { host: 'h-1', stateDir: join(agentsDir, 'h-1') });
}, 120_000);

afterAll(async () => {
  await agent?.stop('SIGTERM');
  await platform?.close();
  await circleci?.close();
  if (agentsDir) await rm(agentsDir, { recursive: true, force: true });
}, 120_000);

describe('CircleCI hand-off to running containers', () => {
  it('deploys a pushed commit that CircleCI built: Release by the registry digest, answering at the edge, checks green', async () => {
    const sha = platform.repo.sha;
    expect((await platform.sendPush(sha)).status).toBe(200);
    const release = await platform.waitForRelease('web', sha, { timeoutMs: 90_000 }).catch((error: Error) => {
      // A CI job that threw leaves the workflow running: say so rather than only "no Release".
      const failures = circleci.serverErrors.map(String).join('; ') || 'none';
      throw new Error(`${error.message}; the fake CircleCI's errors: ${failures}`);
    });

    // The pipeline CircleCI was asked for: the tenant's token, the pushed branch, where to push what.
    const repository = `127.0.0.1:5000/${platform.tenant}/web`;
    const triggers = circleci.requests.callsTo(
      'POST',
      `/api/v2/project/gh/${platform.owner}/${platform.name}/pipeline`,
    );
    expect(triggers).toHaveLength(1);
    expect(triggers[0]).toMatchObject({ status: 201, headers: { 'circle-token': circleci.token } });
    expect(jobs).toHaveLength(1);
    const [pipeline] = jobs;
    expect(pipeline).toMatchObject({
      branch: 'main',
      parameters: { slipway_image_repository: repository, slipway_image_tag: sha },
    });
    expect(circleci.serverErrors).toEqual([]);

    // The Release pins what the CI job pushed, by the registry's digest; the Build says who built it.
    const pushed = await platform.registry.imageExists({ repository: `${platform.tenant}/web`, tag: sha });
    expect(release).toMatchObject({ image: `${repository}:${sha}`, digest: pushed?.digest, commit: sha });
    // The Build ends right after the deploy is enqueued.
    const { value: build } = await eventually(
      'the Build to end',
      () => platform.repos.builds.get(buildKey({ tenant: platform.tenant, id: release.buildId! })),
      (found) => found?.value.status !== 'running',
    );
    expect(build?.value).toMatchObject({ builder: 'circleci', status: 'succeeded', releaseId: release.id });

    // Deployed: the rollout to the Release finishes and the edge answers with the page CircleCI built.
    const { value: rollout } = await eventually(
      'the rollout to the Release to succeed',
      async () => {
        const { body } = await api('GET', `${base()}/services/production/web/rollouts`);
        return (body as { items: Rollout[] }).items.find((r) => r.toRelease === release.id);
      },
      (r) => r !== undefined && ['succeeded', 'failed', 'cancelled'].includes(r.status),
      { timeoutMs: 60_000, everyMs: 250 },
    );
    expect(rollout).toMatchObject({ status: 'succeeded' });
    const { value: answer } = await eventually(
      'the edge to answer with the CircleCI-built page',
      () => edgeGet(platform.edge!.port, `web.${platform.tenant}.localhost`),
      (text) => text === `200 ${PAGE}`,
      { timeoutMs: 30_000 },
    );
    expect(answer).toBe(`200 ${PAGE}`);

    // GitHub shows the build green with the CircleCI workflow linked, and the deploy green.
    const checkRuns = () =>
      platform.fake.checkRuns({ owner: platform.owner, repo: platform.name }) as Array<{
        name: string;
        head_sha: string;
        status: string;
        conclusion: string | null;
        details_url?: string;
        output?: { title?: string; summary?: string };
      }>;
    const builds = checkRuns().filter((run) => run.name === 'Slipway build / web' && run.head_sha === sha);
    expect(builds).toHaveLength(1);
    expect(builds[0]).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      details_url: pipeline!.workflow.url,
      output: { title: `Built web at ${sha.slice(0, 7)} on CircleCI` },
    });
    expect(builds[0]!.output?.summary).toContain(pushed!.digest);
    const { value: deploy } = await eventually(
      'the deploy check run to complete',
      async () => checkRuns().find((run) => run.name === 'Slipway deploy / web' && run.head_sha === sha),
      (run) => run?.status === 'completed',
      { timeoutMs: 30_000 },
    );
    expect(deploy?.conclusion).toBe('success');
  }, 180_000);
});
