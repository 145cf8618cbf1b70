// The push-to-live path in AWS mode against moto: state in S3, the lease in DynamoDB, the image
// through ECR's API (moto keeps no layers: they go to the local registry), and the controller's
// AWS edge making the tenant's ALB, target group, rule, records and certificate. moto routes no
// traffic, so the traffic is checked through the local edge, and the ALB by its registered
// target: the agent's endpoint.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeTenantEdge, EcrRegistry, listTenantEdgeResources } from '@slipway/cloud';
import { edgeGet } from '../src/edge-get.js';
import { eventually } from '../src/eventually.js';
import { HTTPD_DOCKERFILE, type OneHostPlatform, startOneHostPlatform } from '../src/one-host-platform.js';
import type { PushPlatform } from '../src/push-platform.js';
import { running, tenantContainers } from '../src/tenant-containers.js';

const YAML = [
  'services:',
  '  web:',
  '    build: {}',
  '    port: 8080',
  '    replicas: 1',
  '    resources: { cpu: 100m, memory: 32Mi }',
  'branches:',
  '  main: production',
  '',
].join('\n');
let platform: PushPlatform;
let setUp: OneHostPlatform | undefined;

beforeAll(async () => {
  setUp = await startOneHostPlatform({
    files: { 'slipway.yaml': YAML, Dockerfile: HTTPD_DOCKERFILE, 'index.html': 'hello from AWS mode\n' },
    edge: true,
    aws: true,
  });
  platform = setUp.platform;
}, 120_000);

afterAll(async () => {
  await setUp?.close();
}, 180_000);

describe('push to live in AWS mode (moto)', () => {
  it('builds through ECR, stores the state in S3, runs the container, answers at the edge and registers it on the ALB', async () => {
    const aws = platform.aws!;
    const { status } = await platform.sendPush(platform.repo.sha);
    expect(status).toBe(200);
    const release = await platform.waitForRelease('web', platform.repo.sha);

    // The image went through ECR's API: the builder made the service's repository there.
    const ecr = new EcrRegistry({ region: aws.region, endpoint: aws.endpoint });
    try {
      expect((await ecr.listRepositories({ tenant: platform.tenant })).map((r) => r.name)).toEqual([
        `slipway/${platform.tenant}/web`,
      ]);
    } finally {
      await ecr.close();
    }
    expect(release.image).toContain(`slipway/${platform.tenant}/web`);

    // Traffic: the local edge answers with the pushed page.
    const { value: answer } = await eventually(
      'the edge to answer',
      () => edgeGet(platform.edge!.port, `web.${platform.tenant}.localhost`),
      (text) => text === '200 hello from AWS mode\n',
      { timeoutMs: 90_000, everyMs: 250 },
    ).catch(async (error) => {
      const service = await platform.api!.request(
        'GET',
        `/v1/tenants/${platform.tenant}/services/production/web`,
      );
      throw new Error(
        `${(error as Error).message}\nservice: ${JSON.stringify(service.body)}\nagent: ${setUp?.agent.lines.slice(-30).join('\n')}`,
      );
    });
    expect(answer).toBe('200 hello from AWS mode\n');
    const [container] = running(await tenantContainers(platform.docker, platform.tenant), 'web');

    // The AWS edge: an internet-facing ALB whose target group has the container's host port registered.
    const { value: edge } = await eventually(
      'the target registered on the ALB',
      () => describeTenantEdge(aws.clients, platform.tenant),
      (found) => Object.values(found.targets).some((targets) => targets.length === 1),
      { timeoutMs: 60_000, everyMs: 500 },
    );
    expect(Object.values(edge.loadBalancers)).toEqual(['internet-facing']);
    expect(Object.values(edge.targets)).toEqual([
      [expect.stringMatching(new RegExp(`:${container!.hostPort}$`))],
    ]);
    const resources = await listTenantEdgeResources(aws.clients, platform.tenant, aws.hostedZoneId);
    expect(resources.records).toContain(`A web.${platform.tenant}.${aws.appsDomain}.`);
    expect(resources.certificates).toHaveLength(1);

    // The service says how the edge serves it.
    const { value: view } = await eventually(
      'the service edge status',
      () => platform.api!.request('GET', `/v1/tenants/${platform.tenant}/services/production/web`),
      (r) => ['serving', 'waiting'].includes((r.body as { edge?: { state: string } }).edge?.state ?? ''),
      { timeoutMs: 30_000 },
    );
    expect((view.body as { edge: { state: string } }).edge.state).toMatch(/serving|waiting/);
  }, 240_000);

  it('moves the ALB registration to the new container when the next push rolls out', async () => {
    const aws = platform.aws!;
    const sha = await platform.repo.commit({ 'index.html': 'hello again from AWS mode\n' });
    expect((await platform.sendPush(sha)).status).toBe(200);
    await platform.waitForRelease('web', sha);
    await eventually(
      'the edge to answer with the new page',
      () => edgeGet(platform.edge!.port, `web.${platform.tenant}.localhost`),
      (text) => text === '200 hello again from AWS mode\n',
      { timeoutMs: 90_000, everyMs: 250 },
    );
    // The old container drains and stops; then only the new one is registered.
    const { value: containers } = await eventually(
      'one web container left',
      async () => running(await tenantContainers(platform.docker, platform.tenant), 'web'),
      (found) => found.length === 1,
      { timeoutMs: 60_000 },
    );
    const { value: edge } = await eventually(
      "the new container's port as the only target",
      () => describeTenantEdge(aws.clients, platform.tenant),
      (found) => {
        const [targets] = Object.values(found.targets);
        return targets?.length === 1 && targets[0]!.endsWith(`:${containers[0]!.hostPort}`);
      },
      { timeoutMs: 60_000, everyMs: 500 },
    );
    expect(Object.values(edge.loadBalancers)).toEqual(['internet-facing']);
  }, 240_000);
});
