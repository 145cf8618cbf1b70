import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { ensureBaseImage } from './base-image.js';
import { type ServicesConfig, servicesConfigFromEnv } from './config.js';
import { dockerClient } from './docker.js';
import { MissingDependencyError } from './errors.js';
import { ensureRedis, redisAnswers } from './redis.js';
import { ensureServices } from './services.js';
import { cleanupDocker, cleanupRedis, testLabel, uniquePrefix } from './testing/index.js';

const config = servicesConfigFromEnv(process.env, process.cwd());
const docker = dockerClient(config);
const prefix = uniquePrefix('devenv');
const scratch = mkdtempSync(join(tmpdir(), 'slipway-devenv-'));

afterAll(async () => {
  await cleanupDocker(docker, `${testLabel}=${prefix}`);
  rmSync(scratch, { recursive: true, force: true });
});

async function runInImage(image: string, cmd: string[]): Promise<string> {
  const container = await docker.createContainer({ Image: image, Cmd: cmd, Labels: { [testLabel]: prefix } });
  await container.start();
  await container.wait();
  const logs = await container.logs({ stdout: true, stderr: true });
  await container.remove({ force: true });
  return logs.toString('utf8');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

describe('ensureServices', () => {
  it('reuses every component that already answers (a second start is a no-op)', async () => {
    await ensureServices({ config });
    const again = await ensureServices({ config });
    expect(again).toEqual({
      redis: 'reused',
      docker: 'reused',
      registry: 'reused',
      moto: 'reused',
      'base-image': 'reused',
    });
  });

  it('starts redis-server where nothing answers, then reuses it', async () => {
    const port = await freePort();
    const own: ServicesConfig = { ...config, redisUrl: `redis://127.0.0.1:${port}`, dataDir: scratch };
    expect(await ensureRedis(own)).toBe('started');
    expect(await ensureRedis(own)).toBe('reused');
    const redis = new Redis(own.redisUrl, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    await redis.call('SHUTDOWN', 'NOSAVE').catch(() => undefined); // the connection drops as it stops
    redis.disconnect();
    expect(await redisAnswers(own.redisUrl)).toBe(false);
  });

  it('makes a base image from busybox when the engine lacks it', async () => {
    const own: ServicesConfig = { ...config, baseImage: `slipway/busybox-${prefix}:local` };
    try {
      expect(await ensureBaseImage(own)).toBe('started');
      expect(await ensureBaseImage(own)).toBe('reused');
      const output = await runInImage(own.baseImage, ['sh', '-c', 'echo made-here && ls /bin/httpd']);
      expect(output).toContain('made-here');
      expect(output).toContain('/bin/httpd');
    } finally {
      await docker.getImage(own.baseImage).remove({ force: true });
    }
  });

  it('names the package to install when a component is missing', async () => {
    const port = await freePort();
    const bare: ServicesConfig = { ...config, redisUrl: `redis://127.0.0.1:${port}`, searchPath: scratch };
    const failure = ensureRedis(bare);
    await expect(failure).rejects.toBeInstanceOf(MissingDependencyError);
    await expect(failure).rejects.toThrow('apt-get install -y redis-server');
  });
});

describe('the real components', () => {
  it('serves HTTP from a container started in a test', async () => {
    const container = await docker.createContainer({
      Image: config.baseImage,
      Cmd: [
        'sh',
        '-c',
        'mkdir -p /www && echo hello-from-busybox > /www/index.html && httpd -f -p 8080 -h /www',
      ],
      Labels: { [testLabel]: prefix },
      ExposedPorts: { '8080/tcp': {} },
      HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    await container.start();
    const info = await container.inspect();
    const hostPort = info.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort;
    let body = '';
    for (let attempt = 0; attempt < 50 && body === ''; attempt++) {
      body = await fetch(`http://127.0.0.1:${hostPort}/`)
        .then((r) => r.text())
        .catch(() => new Promise<string>((r) => setTimeout(() => r(''), 100)));
    }
    expect(body.trim()).toBe('hello-from-busybox');
  });

  it('pushes an image to the registry and pulls it back', async () => {
    const tag = `${config.registryAddress}/${prefix}/hello:v1`;
    const context = join(scratch, 'context');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(context, { recursive: true });
    writeFileSync(
      join(context, 'Dockerfile'),
      `FROM ${config.baseImage}\nLABEL ${testLabel}=${prefix}\nRUN echo ${prefix} > /hello\n`,
    );
    const follow = (stream: NodeJS.ReadableStream) =>
      new Promise<unknown[]>((resolve, reject) =>
        docker.modem.followProgress(stream, (error, output) => (error ? reject(error) : resolve(output))),
      );
    await follow(await docker.buildImage({ context, src: ['Dockerfile'] }, { t: tag }));
    const pushed = await follow(
      await docker.getImage(tag).push({ authconfig: { serveraddress: config.registryAddress } }),
    );
    expect(JSON.stringify(pushed)).toMatch(/digest: sha256:[0-9a-f]{64}/);

    await docker.getImage(tag).remove({ force: true });
    await follow(await docker.pull(tag, { authconfig: { serveraddress: config.registryAddress } }));
    const pulled = await docker.getImage(tag).inspect();
    expect(pulled.Config.Labels?.[testLabel]).toBe(prefix);
    // The repository's own tag list: the catalog is paged and holds every earlier run's repositories.
    const tags = (await (
      await fetch(`http://${config.registryAddress}/v2/${prefix}/hello/tags/list`)
    ).json()) as {
      tags: string[];
    };
    expect(tags.tags).toContain(tag.slice(tag.lastIndexOf(':') + 1));
  });

  it('reaches moto through AWS_ENDPOINT_URL with a plain AWS SDK v3 client', async () => {
    expect(process.env.AWS_ENDPOINT_URL).toBe(config.awsEndpoint);
    const s3 = new S3Client({ region: 'us-east-1', forcePathStyle: true });
    const bucket = `${prefix}-bucket`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    try {
      const { Buckets } = await s3.send(new ListBucketsCommand({}));
      expect(Buckets?.map((b) => b.Name)).toContain(bucket);
    } finally {
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      s3.destroy();
    }
  });

  it('deletes Redis keys by prefix, and only those', async () => {
    const redis = new Redis(config.redisUrl);
    try {
      await redis.mset(`${prefix}:a`, '1', `${prefix}:b`, '2', `${prefix}-other:c`, '3');
      expect(await cleanupRedis(redis, `${prefix}:`)).toBe(2);
      expect(await redis.exists(`${prefix}:a`, `${prefix}:b`)).toBe(0);
      expect(await cleanupRedis(redis, `${prefix}-other:`)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });
});
