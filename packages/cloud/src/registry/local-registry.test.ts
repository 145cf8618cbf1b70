import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupDocker, testLabel, uniquePrefix } from '@slipway/devenv/testing';
import Docker from 'dockerode';
import { describeImageRegistryContract } from '../testing/image-registry-contract.js';
import { RegistryError } from './errors.js';
import { LocalRegistry } from './local-registry.js';

const address = '127.0.0.1:5000';

describeImageRegistryContract('LocalRegistry (docker-registry)', () => ({
  registry: new LocalRegistry({ address }),
  tenant: uniquePrefix('local'),
}));

describe('LocalRegistry', () => {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const tenant = uniquePrefix('local');
  const registry = new LocalRegistry({ address });
  const scratch = mkdtempSync(join(tmpdir(), 'slipway-cloud-'));
  let pushedDigest = '';

  const follow = (stream: NodeJS.ReadableStream) =>
    new Promise<Array<{ aux?: { Digest?: string }; error?: string }>>((resolve, reject) =>
      docker.modem.followProgress(stream, (error, output) => (error ? reject(error) : resolve(output))),
    );

  beforeAll(async () => {
    const { repositoryUri } = await registry.ensureRepository({ tenant, service: 'web' });
    writeFileSync(join(scratch, 'Dockerfile'), `FROM slipway/busybox:local\nLABEL ${testLabel}=${tenant}\n`);
    const tag = `${repositoryUri}:v1`;
    await follow(await docker.buildImage({ context: scratch, src: ['Dockerfile'] }, { t: tag }));
    const output = await follow(
      await docker.getImage(tag).push({ authconfig: await registry.credentials() }),
    );
    const failed = output.find((event) => event.error);
    if (failed) throw new Error(`push failed: ${failed.error}`);
    pushedDigest = output.find((event) => event.aux?.Digest)?.aux?.Digest ?? '';
  }, 120_000);

  afterAll(async () => {
    await registry.deleteRepository({ tenant, service: 'web' });
    await cleanupDocker(docker, `${testLabel}=${tenant}`);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('finds a pushed image by tag, with the digest the push reported', async () => {
    expect(pushedDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    await expect(registry.imageExists({ repository: `${tenant}/web`, tag: 'v1' })).resolves.toEqual({
      digest: pushedDigest,
    });
  });

  it('lists the tenant’s repository that holds an image', async () => {
    await expect(registry.listRepositories({ tenant })).resolves.toEqual([
      { name: `${tenant}/web`, service: 'web', repositoryUri: `${address}/${tenant}/web` },
    ]);
  });

  it('deletes the manifests, so the image and the repository are gone', async () => {
    await registry.deleteRepository({ tenant, service: 'web' });
    await expect(registry.imageExists({ repository: `${tenant}/web`, tag: 'v1' })).resolves.toBeUndefined();
    await expect(registry.listRepositories({ tenant })).resolves.toEqual([]);
  });

  it('says the registry is unavailable, and where, when nothing answers', async () => {
    const nowhere = new LocalRegistry({ address: '127.0.0.1:1', timeoutMs: 2_000 });
    const failure = nowhere.imageExists({ repository: `${tenant}/web`, tag: 'v1' });
    await expect(failure).rejects.toBeInstanceOf(RegistryError);
    await expect(failure).rejects.toMatchObject({
      code: 'REGISTRY_UNAVAILABLE',
      message: expect.stringContaining('127.0.0.1:1'),
    });
  });
});
