// DynamoDB and S3 stop answering (their moto_server is frozen): the leader must step down within
// its ttl and say why, and leadership must come back when they answer again.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uniquePrefix } from '@slipway/devenv/testing';
import { awsControllerEnv, ControllerCluster, createAwsState } from '../src/testing/index.js';

const ttlMs = 2000;
const prefix = uniquePrefix('outage');
let moto: ChildProcess;
let endpoint: string;
let cluster: ControllerCluster;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  // A moto_server of this test's own, so freezing it disturbs no other test.
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${endpoint}/moto-api/`).then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(100);
  }
  const names = { endpoint, region: 'us-east-1', bucket: `${prefix}-state`, table: `${prefix}-lease` };
  await createAwsState(names); // dropped with the moto_server itself
  cluster = new ControllerCluster({
    name: prefix,
    env: awsControllerEnv(names, { SLIPWAY_LEASE_TTL_MS: String(ttlMs) }),
  });
  await cluster.add(2);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  moto.kill('SIGCONT');
  moto.kill('SIGKILL');
});

describe('the AWS API unreachable', () => {
  it('makes the leader step down within its ttl, and leadership recovers when it answers again', async () => {
    const { leader } = await cluster.waitForLeader({ timeoutMs: ttlMs + 1000 });
    moto.kill('SIGSTOP');
    const frozenAt = Date.now();
    // The leader's own log says when and why it stepped down (a /v1/leader probe would add the
    // follower path's lease-read timeout to the measurement).
    let why: string | undefined;
    for (let i = 0; i < 100 && !why; i++) {
      why = leader.lines.find((l) => l.includes('stepped down'));
      await sleep(50);
    }
    expect(why).toMatch(/"code":"(renew-timeout|renew-failed|deadline-passed)"/);
    const steppedDownMs = (JSON.parse(why!) as { time: number }).time - frozenAt;
    expect(steppedDownMs).toBeLessThanOrEqual(ttlMs);
    expect((await leader.view())?.self.leading).toBe(false);
    expect(await cluster.leaders()).toEqual([]);

    moto.kill('SIGCONT');
    const { leader: recovered } = await cluster.waitForLeader({ timeoutMs: 3 * ttlMs });
    expect(recovered.id).toMatch(new RegExp(`^${prefix}-`));
    expect(cluster.replicas.flatMap((r) => r.lines.filter((l) => /unhandled rejection/i.test(l)))).toEqual(
      [],
    );
  }, 60_000);
});
