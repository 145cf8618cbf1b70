import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BuilderConfigError, builderConfigFromEnv } from './builder-config.js';
import { dockerConnectionFromHost } from './docker-connection.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
let cwd: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'slipway-builder-config-'));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

/** `env` as plain strings: probot's types narrow LOG_LEVEL in NodeJS.ProcessEnv, and bad values are the point. */
function problemsOf(env: Record<string, string>): string {
  try {
    builderConfigFromEnv(env as NodeJS.ProcessEnv, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(BuilderConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a BuilderConfigError');
}

describe('builderConfigFromEnv', () => {
  it('local mode with only the App set: every default', () => {
    const config = builderConfigFromEnv({ APP_ID: '42', PRIVATE_KEY: privateKey }, cwd);
    expect(config).toEqual({
      mode: 'local',
      github: { appId: '42', privateKey, baseUrl: undefined },
      redisUrl: 'redis://127.0.0.1:6379',
      keyPrefix: 'slipway',
      state: { mode: 'local', root: join(cwd, '.slipway', 'state') },
      registry: { kind: 'local', address: '127.0.0.1:5000' },
      docker: { socketPath: '/var/run/docker.sock' },
      concurrency: 4,
      worker: { lockDurationMs: 30_000, stalledIntervalMs: 30_000 },
      logLevel: 'info',
    });
  });

  it('GitHub Enterprise, a key file, a TCP engine and tuning', async () => {
    // In a subfolder: a *.pem in cwd itself would be picked up by every later case (probot's rule).
    await mkdir(join(cwd, 'keys'));
    await writeFile(join(cwd, 'keys', 'app.pem'), privateKey);
    const config = builderConfigFromEnv(
      {
        APP_ID: '7',
        PRIVATE_KEY_PATH: 'keys/app.pem',
        GHE_HOST: '127.0.0.1:3999',
        GHE_PROTOCOL: 'http',
        REDIS_URL: 'redis://redis.internal:6380',
        SLIPWAY_REDIS_PREFIX: 'slipway-test',
        SLIPWAY_REGISTRY: 'registry.local:5000',
        DOCKER_HOST: 'tcp://10.0.0.5:2375',
        SLIPWAY_BUILD_CONCURRENCY: '8',
        SLIPWAY_BUILD_LOCK_MS: '2000',
        SLIPWAY_BUILD_STALLED_INTERVAL_MS: '1000',
        LOG_LEVEL: 'debug',
      },
      cwd,
    );
    expect(config.github).toEqual({ appId: '7', privateKey, baseUrl: 'http://127.0.0.1:3999/api/v3' });
    expect(config.registry).toEqual({ kind: 'local', address: 'registry.local:5000' });
    expect(config.docker).toEqual({ host: '10.0.0.5', port: 2375, protocol: 'http' });
    expect(config).toMatchObject({
      redisUrl: 'redis://redis.internal:6380',
      keyPrefix: 'slipway-test',
      concurrency: 8,
      worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
      logLevel: 'debug',
    });
  });

  it('AWS mode: S3 state and ECR in the region, at the endpoint, pushing elsewhere only when asked', () => {
    const config = builderConfigFromEnv(
      {
        APP_ID: '42',
        PRIVATE_KEY: privateKey,
        SLIPWAY_MODE: 'aws',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:5001',
        SLIPWAY_STATE_BUCKET: 'slipway-state',
        SLIPWAY_ECR_PUSH_REGISTRY: '127.0.0.1:5000',
      },
      cwd,
    );
    expect(config.mode).toBe('aws');
    expect(config.state).toEqual({
      mode: 'aws',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:5001',
      bucket: 'slipway-state',
      prefix: '',
    });
    expect(config.registry).toEqual({
      kind: 'ecr',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:5001',
      pushRegistry: '127.0.0.1:5000',
    });
  });

  it('names every bad variable at once, never quoting the key', () => {
    const message = problemsOf({
      APP_ID: 'my-app',
      PRIVATE_KEY: 'not a key',
      GHE_PROTOCOL: 'ftp',
      REDIS_URL: 'localhost:6379',
      SLIPWAY_REGISTRY: 'http://127.0.0.1:5000',
      SLIPWAY_BUILD_CONCURRENCY: 'lots',
      DOCKER_HOST: 'ssh://me@host',
      LOG_LEVEL: 'loud',
    });
    for (const name of [
      'APP_ID',
      'PRIVATE_KEY or PRIVATE_KEY_PATH',
      'GHE_PROTOCOL',
      'REDIS_URL',
      'SLIPWAY_REGISTRY',
      'SLIPWAY_BUILD_CONCURRENCY',
      'DOCKER_HOST',
      'LOG_LEVEL',
    ])
      expect(message).toContain(`${name}:`);
    expect(message).not.toContain('not a key');
  });

  it('names the missing App, the missing AWS variables, and a push registry outside AWS mode', () => {
    expect(problemsOf({})).toMatch(
      /APP_ID: .*\n.*PRIVATE_KEY or PRIVATE_KEY_PATH: the GitHub App private key/,
    );
    const aws = problemsOf({ APP_ID: '1', PRIVATE_KEY: privateKey, SLIPWAY_MODE: 'aws' });
    expect(aws).toContain('AWS_REGION');
    expect(aws).toContain('SLIPWAY_STATE_BUCKET');
    expect(problemsOf({ APP_ID: '1', PRIVATE_KEY: privateKey, SLIPWAY_MODE: 'cloud' })).toContain(
      'SLIPWAY_MODE',
    );
    expect(
      problemsOf({ APP_ID: '1', PRIVATE_KEY: privateKey, SLIPWAY_ECR_PUSH_REGISTRY: '127.0.0.1:5000' }),
    ).toContain('SLIPWAY_ECR_PUSH_REGISTRY: only used with SLIPWAY_MODE=aws');
    expect(problemsOf({ APP_ID: '1', PRIVATE_KEY_PATH: 'missing.pem' })).toContain('missing.pem');
  });
});

describe('dockerConnectionFromHost', () => {
  it.each([
    ['unix:///var/run/docker.sock', { socketPath: '/var/run/docker.sock' }],
    ['tcp://127.0.0.1:2375', { host: '127.0.0.1', port: 2375, protocol: 'http' }],
    ['tcp://docker', { host: 'docker', port: 2375, protocol: 'http' }],
  ])('%s', (host, expected) => {
    expect(dockerConnectionFromHost(host)).toEqual(expected);
  });

  it.each(['unix://docker.sock', 'tcp://host:2375/path', 'npipe:////./pipe/docker_engine', 'ssh://me@host'])(
    'refuses %s in words',
    (host) => {
      expect(typeof dockerConnectionFromHost(host)).toBe('string');
    },
  );
});
