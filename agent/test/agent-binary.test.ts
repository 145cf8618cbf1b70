// The slipway-agent binary as an operator runs it: configured by its variables, joined once, and
// stopped by SIGTERM without stopping the containers it runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanupDocker, cleanupRedis, testLabel, uniquePrefix } from '@slipway/devenv/testing';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { LABELS, observeHost } from '../src/index.js';
import { eventually, startTestController, type TestController } from './support/controller.js';
import { webSpec } from './support/specs.js';
import { makeWebImage } from './support/web-image.js';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniquePrefix('bin');
const tenant = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-');
const hostId = `${tenant.slice(-20)}-h1`.replace(/^-+/, '');
const stateDir = mkdtempSync(join(tmpdir(), 'slipway-agent-bin-'));
const main = join(import.meta.dirname, '..', 'src', 'main.ts');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
let control: TestController;
let child: ChildProcess | undefined;
const lines: string[] = [];

beforeAll(async () => {
  control = await startTestController({ tenant, redisUrl, redisPrefix: prefix });
  await control.controller.services.policies.update(
    tenant,
    { permissions: { allowedRegistries: ['docker.io'] } },
    { by: 'test', now: Date.now() },
  );
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await control.close();
  // The binary cannot add the test label: its containers and network are found by the tenant's.
  await cleanupDocker(docker, `${LABELS.tenant}=${tenant}`);
  await cleanupDocker(docker, `${testLabel}=${prefix}`);
  const redis = new Redis(redisUrl);
  await cleanupRedis(redis, prefix);
  redis.disconnect();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('slipway-agent', () => {
  it('joins with its variables, runs its desired containers, and leaves them running on SIGTERM', async () => {
    const image = await makeWebImage({ docker, prefix, body: 'from the binary' });
    child = spawn(process.execPath, ['--import', tsx, main], {
      env: {
        PATH: process.env.PATH ?? '',
        SLIPWAY_API_URL: control.url,
        SLIPWAY_TENANT: tenant,
        SLIPWAY_JOIN_TOKEN: await control.joinToken(),
        SLIPWAY_HOST_ID: hostId,
        SLIPWAY_AGENT_DIR: stateDir,
        SLIPWAY_HOST_CPU_MILLICORES: '1000',
        SLIPWAY_HOST_MEMORY_MIB: '1024',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    for (const stream of [child.stdout, child.stderr])
      if (stream) createInterface({ input: stream }).on('line', (line) => lines.push(line));

    await eventually(async () => {
      if (!lines.some((line) => line.includes('agent started'))) throw new Error(lines.join('\n'));
    });
    await control.setDesired(hostId, [webSpec({ allocation: `${prefix}-a1`, tenant, image })]);
    const running = await eventually(async () => {
      const [container] = await observeHost({ docker, tenant, hostId });
      if (container?.state !== 'running') throw new Error('not running yet');
      return container;
    });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.some((line) => line.includes('its containers keep running'))).toBe(true);
    const [after] = await observeHost({ docker, tenant, hostId });
    expect(after).toMatchObject({ containerId: running.containerId, state: 'running' });
    const info = await docker.getContainer(running.containerId).inspect();
    expect(info.HostConfig.PortBindings?.['8080/tcp']?.[0]?.HostIp).toBe('127.0.0.1');
  });
});
