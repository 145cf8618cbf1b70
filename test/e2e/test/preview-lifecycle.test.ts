// A pull request's preview from its opening to its closing: a signed pull_request webhook → GitHub App
// → native builder → Release in pr-<n> → controller → a container on the tenant's host; then the pull
// request closes and its preview goes — service, containers — while production stays.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { examplePayload, sendWebhook } from '@slipway/fakes';
import { eventually } from '../src/eventually.js';
import { HTTPD_DOCKERFILE, type OneHostPlatform, startOneHostPlatform } from '../src/one-host-platform.js';
import type { PushPlatform } from '../src/push-platform.js';
import { running, tenantContainers } from '../src/tenant-containers.js';

const YAML = [
  'services:',
  '  web:',
  '    build: {}',
  '    port: 8080',
  '    resources: { cpu: 50m, memory: 16Mi }',
  'branches:',
  '  main: production',
  'previews: { enabled: true }',
  '',
].join('\n');
let platform: PushPlatform;
let setUp: OneHostPlatform | undefined;

async function github(method: string, path: string, body?: unknown) {
  const response = await fetch(`${platform.fake.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `token ${platform.fake.createInstallationToken(platform.installationId)}`,
      'content-type': 'application/json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status).toBeLessThan(300);
  return response.json() as Promise<Record<string, unknown>>;
}

async function sendPullRequest(action: string, number: number, sha: string) {
  const payload = examplePayload('pull_request', {
    action,
    repository: { owner: platform.owner, name: platform.name, id: platform.repositoryId },
    installationId: platform.installationId,
    sha,
    ref: 'feature',
    pullRequestNumber: number,
  });
  const sent = await sendWebhook(platform.webhookUrl, {
    event: 'pull_request',
    payload,
    secret: platform.fake.webhookSecret,
  });
  expect(sent.status).toBe(200);
}

const containersOf = async (environment: string) =>
  running(await tenantContainers(platform.docker, platform.tenant), 'web').filter(
    (c) => c.labels['io.slipway.environment'] === environment,
  );

beforeAll(async () => {
  setUp = await startOneHostPlatform({
    files: { 'slipway.yaml': YAML, Dockerfile: HTTPD_DOCKERFILE, 'index.html': 'hello from main\n' },
  });
  platform = setUp.platform;
}, 120_000);

afterAll(async () => {
  await setUp?.close();
}, 120_000);

describe('a pull request preview', () => {
  it('runs while the pull request is open and is removed when it closes; production stays', async () => {
    expect((await platform.sendPush(platform.repo.sha)).status).toBe(200);
    await platform.waitForRelease('web', platform.repo.sha, { environment: 'production' });
    await eventually(
      'production running',
      () => containersOf('production'),
      (c) => c.length === 1,
      {
        timeoutMs: 60_000,
      },
    );

    // The pull request's head carries a change; main has moved on past the fork point.
    const head = await platform.repo.commit({ 'index.html': 'hello from the pull request\n' });
    await platform.repo.createBranch('feature', head);
    await platform.repo.commit({ 'CHANGELOG.md': 'main moved on\n' });
    const pull = await github('POST', `/repos/${platform.owner}/${platform.name}/pulls`, {
      title: 'A change',
      head: 'feature',
      base: 'main',
    });
    const number = pull.number as number;
    await sendPullRequest('opened', number, head);
    const release = await platform.waitForRelease('web', head, { environment: `pr-${number}` });
    const { value: previews } = await eventually(
      'the preview running',
      () => containersOf(`pr-${number}`),
      (c) => c.length === 1,
      { timeoutMs: 60_000 },
    );
    expect(previews[0]?.labels['io.slipway.release']).toBe(release.id);
    const { value: page } = await eventually(
      'the preview answering',
      () => fetch(`http://127.0.0.1:${previews[0]?.hostPort}/`).then((r) => r.text()),
      () => true,
      { timeoutMs: 10_000 },
    );
    expect(page).toBe('hello from the pull request\n');

    await github('PATCH', `/repos/${platform.owner}/${platform.name}/pulls/${number}`, { state: 'closed' });
    await sendPullRequest('closed', number, head);
    await eventually(
      'the preview service gone',
      () => platform.api!.request('GET', `/v1/tenants/${platform.tenant}/services/pr-${number}/web`),
      (r) => r.status === 404,
    );
    await eventually(
      'the preview containers gone',
      () => containersOf(`pr-${number}`),
      (c) => c.length === 0,
      {
        timeoutMs: 60_000,
      },
    );
    expect(await containersOf('production')).toHaveLength(1);
  });
});
