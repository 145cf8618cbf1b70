// `npm run demo -- --exit` as a user runs it: a real process starting the whole local platform
// (on free ports, its own tenant and key prefix), pushing examples/hello twice through the fake
// GitHub, and removing everything it made when it exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { servicesConfigFromEnv } from '@slipway/devenv';
import { cleanupDocker, cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import Docker from 'dockerode';
import { Redis } from 'ioredis';

const root = join(import.meta.dirname, '..', '..', '..');
const tenant = uniquePrefix('demo');
const prefix = uniquePrefix('demo');
const services = servicesConfigFromEnv(process.env, root);
const docker = new Docker({ socketPath: services.dockerSocket });
const redis = new Redis(services.redisUrl);

let child: ChildProcess;
let output = '';
let exitCode: number | null;

beforeAll(async () => {
  child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/local/demo.ts', '--exit'], {
    cwd: root,
    detached: true, // its own process group, so the whole tree can be killed at the end
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      SLIPWAY_EDGE_PORT: '0',
      SLIPWAY_API_PORT: '0',
      PORT: '0',
      SLIPWAY_DEMO_TENANT: tenant,
      SLIPWAY_DEMO_PREFIX: prefix,
      // Old replicas leave after 1 s of drain instead of 5 s: the same steps, a shorter wait.
      SLIPWAY_DRAIN_MS: '1000',
      LOG_LEVEL: 'warn',
    },
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      output += chunk;
    });
  }
  exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
}, 170_000);

afterAll(async () => {
  if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  // Only if the demo's own clean-up did not run: the assertions below say whether it did.
  await cleanupDocker(docker, `io.slipway.tenant=${tenant}`);
  await cleanupRedis(redis, prefix);
  redis.disconnect();
}, 60_000);

describe('npm run demo -- --exit', () => {
  it('prints the live URL with a curl command, serves v1 then v2, and counts zero failed requests', () => {
    expect({ exitCode, output }).toMatchObject({ exitCode: 0 });
    const host = `hello.${tenant}.localhost`;
    const url = new RegExp(`live at http://${host.replaceAll('.', '\\.')}:(\\d+)`).exec(output);
    expect(url).not.toBeNull();
    expect(output).toContain(`curl -H 'Host: ${host}' http://127.0.0.1:${url![1]}/`);
    const v1 = output.indexOf('v1 answered at the edge');
    const v2 = output.indexOf('v2 answered at the edge');
    expect(v1).toBeGreaterThan(-1);
    expect(v2).toBeGreaterThan(v1);
    const load = /zero failed requests \((\d+) requests, old then new\)/.exec(output);
    expect(load).not.toBeNull();
    expect(Number(load![1])).toBeGreaterThan(0);
    expect(output).toContain('Slipway deploy / hello: success');
  });

  it('removes its containers, images, networks and Redis keys when it exits', async () => {
    const filters = JSON.stringify({ label: [`io.slipway.tenant=${tenant}`] });
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await docker.listImages({ filters })).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    expect(keys).toEqual([]);
  });
});
