import {
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EcrRegistry, LocalRegistry, lifecyclePolicyText } from '@slipway/cloud';
import { uniquePrefix } from '@slipway/devenv/testing';
import Docker from 'dockerode';
import { type RegistryAuth, runBuildJob } from '../src/index.js';
import { type Harness, openHarness, REGISTRY, SITE_FILES, tarballOf } from './support/build-harness.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const client = new ECRClient({
  endpoint: process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001',
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
/** moto's tokens all expire on 2015-01-01; a clock before that keeps them fresh. */
const beforeMotoExpiry = () => Date.parse('2014-12-31T00:00:00Z');
const namePrefix = uniquePrefix('slipway');
let h: Harness;
let ecr: EcrRegistry;
let tenant: string;

/** The real engine, with every push's image name and authconfig written down on the way through. */
function recordingDocker(): { docker: Docker; pushes: Array<{ image: string; authconfig: RegistryAuth }> } {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const pushes: Array<{ image: string; authconfig: RegistryAuth }> = [];
  const getImage = docker.getImage.bind(docker);
  docker.getImage = (name: string) => {
    const image = getImage(name);
    const push = image.push.bind(image) as (options: { authconfig: RegistryAuth }) => Promise<unknown>;
    image.push = ((options: { authconfig: RegistryAuth }) => {
      pushes.push({ image: name, authconfig: options.authconfig });
      return push(options);
    }) as typeof image.push;
    return image;
  };
  return { docker, pushes };
}

beforeAll(async () => {
  h = await openHarness('ecr');
  tenant = h.tenant('ecr');
  // moto answers ECR's API but hosts no layers: the push goes to the local registry (pushRegistry).
  ecr = new EcrRegistry({
    client,
    namePrefix,
    lifecycleKeepLast: 7,
    pushRegistry: REGISTRY,
    now: beforeMotoExpiry,
  });
});

afterAll(async () => {
  try {
    await ecr.deleteRepository({ tenant, service: 'web' });
    await ecr.close();
  } finally {
    client.destroy();
    await h.close();
  }
});

describe('runBuildJob with EcrRegistry (moto for ECR, the local registry for the layers)', () => {
  it('creates the ECR repository with tags and lifecycle policy, and pushes with the GetAuthorizationToken credentials', async () => {
    const source = await h.source(SITE_FILES);
    const { docker, pushes } = recordingDocker();

    const result = await runBuildJob(
      h.job({ tenant, sha: source.sha }),
      h.deps(tarballOf(source), { docker, registry: ecr }),
    );

    const name = `${namePrefix}/${tenant}/web`;
    const { repositories } = await client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    const repository = repositories?.[0];
    expect(repository?.imageScanningConfiguration?.scanOnPush).toBe(true);
    const { tags } = await client.send(
      new ListTagsForResourceCommand({ resourceArn: repository?.repositoryArn }),
    );
    expect(tags).toEqual(
      expect.arrayContaining([
        { Key: 'slipway:tenant', Value: tenant },
        { Key: 'slipway:service', Value: 'web' },
        { Key: 'slipway:managed', Value: 'true' },
      ]),
    );
    const policy = await client.send(new GetLifecyclePolicyCommand({ repositoryName: name }));
    expect(policy.lifecyclePolicyText).toBe(lifecyclePolicyText({ keepLast: 7 }));

    const { expiresAt: _expiresAt, ...token } = await ecr.credentials();
    expect(token.username).toBe('AWS');
    expect(token.password?.length).toBeGreaterThan(0);
    expect(pushes).toEqual([
      { image: `${REGISTRY}/${name}`, authconfig: { ...token, serveraddress: REGISTRY } },
    ]);

    expect(result.release.image).toBe(`${REGISTRY}/${name}:${source.sha}`);
    const pushed = await new LocalRegistry({ address: REGISTRY }).imageExists({
      repository: name,
      tag: source.sha,
    });
    expect(pushed?.digest).toBe(result.release.digest);
  });
});
