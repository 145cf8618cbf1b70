import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, describe, expect, it } from '@jest/globals';
import { uniquePrefix } from '@slipway/devenv/testing';
import { describeImageRegistryContract } from '../testing/image-registry-contract.js';
import { EcrRegistry } from './ecr-registry.js';
import { lifecyclePolicyText } from './lifecycle-policy.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const client = new ECRClient({
  endpoint: process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001',
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const namePrefix = uniquePrefix('slipway');
/** moto's tokens all expire on 2015-01-01; a clock before that makes them fresh. */
const beforeMotoExpiry = () => Date.parse('2014-12-31T00:00:00Z');

/** Counts the GetAuthorizationToken calls this client sends. */
function countTokenCalls(target: ECRClient): { count: number } {
  const counter = { count: 0 };
  target.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'GetAuthorizationTokenCommand') counter.count++;
      return next(args);
    },
    { step: 'initialize', name: 'countTokenCalls' },
  );
  return counter;
}

afterAll(() => client.destroy());

describeImageRegistryContract('EcrRegistry (moto)', () => ({
  registry: new EcrRegistry({ client, namePrefix }),
  tenant: uniquePrefix('ecr'),
}));

describeImageRegistryContract('EcrRegistry (moto) pushing to another registry host', () => ({
  registry: new EcrRegistry({ client, namePrefix, pushRegistry: '127.0.0.1:5000' }),
  tenant: uniquePrefix('ecrp'),
}));

describe('EcrRegistry', () => {
  const tenant = uniquePrefix('ecr');
  const registry = new EcrRegistry({ client, namePrefix, lifecycleKeepLast: 12, now: beforeMotoExpiry });

  afterAll(async () => {
    for (const service of ['web', 'adopted']) await registry.deleteRepository({ tenant, service });
  });

  async function describeRepository(name: string) {
    const { repositories } = await client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    return repositories![0]!;
  }

  it('creates the repository with its tenant tags, scan on push and the planned lifecycle policy', async () => {
    const { name, repositoryUri } = await registry.ensureRepository({ tenant, service: 'web' });
    expect(name).toBe(`${namePrefix}/${tenant}/web`);
    const repository = await describeRepository(name);
    expect(repository.repositoryUri).toBe(repositoryUri);
    expect(repository.imageScanningConfiguration?.scanOnPush).toBe(true);
    expect(repository.imageTagMutability).toBe('MUTABLE');
    const { tags } = await client.send(
      new ListTagsForResourceCommand({ resourceArn: repository.repositoryArn }),
    );
    expect(tags).toEqual(
      expect.arrayContaining([
        { Key: 'slipway:tenant', Value: tenant },
        { Key: 'slipway:service', Value: 'web' },
        { Key: 'slipway:managed', Value: 'true' },
      ]),
    );
    const policy = await client.send(new GetLifecyclePolicyCommand({ repositoryName: name }));
    expect(policy.lifecyclePolicyText).toBe(lifecyclePolicyText({ keepLast: 12 }));
  });

  it('adopts a repository made by hand: adds the tags, scan on push and the lifecycle policy', async () => {
    const name = `${namePrefix}/${tenant}/adopted`;
    await client.send(
      new CreateRepositoryCommand({
        repositoryName: name,
        imageScanningConfiguration: { scanOnPush: false },
      }),
    );
    await registry.ensureRepository({ tenant, service: 'adopted' });
    const repository = await describeRepository(name);
    expect(repository.imageScanningConfiguration?.scanOnPush).toBe(true);
    const { tags } = await client.send(
      new ListTagsForResourceCommand({ resourceArn: repository.repositoryArn }),
    );
    expect(tags).toContainEqual({ Key: 'slipway:tenant', Value: tenant });
    const policy = await client.send(new GetLifecyclePolicyCommand({ repositoryName: name }));
    expect(policy.lifecyclePolicyText).toBe(lifecyclePolicyText({ keepLast: 12 }));
  });

  it('lists only the tenant’s repositories', async () => {
    await registry.ensureRepository({ tenant, service: 'web' });
    const listed = await registry.listRepositories({ tenant });
    expect(listed.map((r) => r.service)).toContain('web');
    expect(listed.every((r) => r.name.startsWith(`${namePrefix}/${tenant}/`))).toBe(true);
  });

  it('deletes a repository', async () => {
    await registry.ensureRepository({ tenant, service: 'gone' });
    await registry.deleteRepository({ tenant, service: 'gone' });
    const listed = await registry.listRepositories({ tenant });
    expect(listed.map((r) => r.service)).not.toContain('gone');
    await expect(
      client.send(new DeleteRepositoryCommand({ repositoryName: `${namePrefix}/${tenant}/gone` })),
    ).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
  });

  it('decodes the authorization token into user AWS, a password and the registry host', async () => {
    const credentials = await registry.credentials();
    expect(credentials.username).toBe('AWS');
    expect(credentials.password).toEqual(expect.any(String));
    expect(credentials.password!.length).toBeGreaterThan(0);
    expect(credentials.serveraddress).toMatch(/^\d{12}\.dkr\.ecr\.us-east-1\.amazonaws\.com$/);
    expect(credentials.expiresAt).toBeInstanceOf(Date);
  });

  it('reuses a token until shortly before it expires, then fetches a new one', async () => {
    const own = new ECRClient({
      endpoint: process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const calls = countTokenCalls(own);
    let now = beforeMotoExpiry();
    const cached = new EcrRegistry({ client: own, namePrefix, now: () => now });
    try {
      const [first, second] = await Promise.all([cached.credentials(), cached.credentials()]);
      await cached.credentials();
      expect(calls.count).toBe(1);
      expect(second).toBe(first);
      now = first.expiresAt!.getTime() - 60_000; // inside the 5-minute refresh margin
      await cached.credentials();
      expect(calls.count).toBe(2);
    } finally {
      await cached.close();
      own.destroy();
    }
  });

  it('with pushRegistry: ECR keeps the repository and issues the token; pushes name the other host', async () => {
    const pushing = new EcrRegistry({
      client,
      namePrefix,
      lifecycleKeepLast: 12,
      pushRegistry: '127.0.0.1:5000',
      now: beforeMotoExpiry,
    });
    const { name, repositoryUri } = await pushing.ensureRepository({ tenant, service: 'pushed' });
    try {
      expect(repositoryUri).toBe(`127.0.0.1:5000/${namePrefix}/${tenant}/pushed`);
      const repository = await describeRepository(name);
      expect(repository.repositoryUri).toMatch(/\.dkr\.ecr\.us-east-1\.amazonaws\.com\//);
      const policy = await client.send(new GetLifecyclePolicyCommand({ repositoryName: name }));
      expect(policy.lifecyclePolicyText).toBe(lifecyclePolicyText({ keepLast: 12 }));
      const credentials = await pushing.credentials();
      const fromEcr = await registry.credentials();
      expect(credentials).toEqual({ ...fromEcr, serveraddress: '127.0.0.1:5000' });
    } finally {
      await pushing.deleteRepository({ tenant, service: 'pushed' });
    }
  });

  it.each(['http://127.0.0.1:5000', '127.0.0.1:5000/path', 'Registry.Example'])(
    'refuses pushRegistry %s',
    (pushRegistry) => {
      expect(() => new EcrRegistry({ client, pushRegistry })).toThrow(
        expect.objectContaining({ code: 'REGISTRY_INVALID_OPTION' }),
      );
    },
  );
});
