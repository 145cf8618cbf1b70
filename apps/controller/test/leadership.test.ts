// Leadership across real controller processes, with S3 and DynamoDB served by moto_server.

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { uniquePrefix } from '@slipway/devenv/testing';
import { S3StateStore } from '@slipway/state';
import {
  awsControllerEnv,
  ControllerCluster,
  type ControllerProcess,
  createAwsState,
} from '../src/testing/index.js';

const ttlMs = 2000;
const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001';
const prefix = uniquePrefix('ctl');
const names = { endpoint, region: 'us-east-1', bucket: `${prefix}-state`, table: `${prefix}-lease` };
const env = awsControllerEnv(names, { SLIPWAY_LEASE_TTL_MS: String(ttlMs) });

let dropAwsState: () => Promise<void>;
let cluster: ControllerCluster | undefined;

beforeAll(async () => {
  dropAwsState = await createAwsState(names);
});
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});
afterAll(async () => {
  await dropAwsState();
});

/** Lines a process printed that report an unhandled rejection or a crash. */
function crashes(replica: ControllerProcess): string[] {
  return replica.lines.filter((l) => /unhandled rejection|UnhandledPromiseRejection|uncaught/i.test(l));
}

describe('three controller replicas', () => {
  it('keep exactly one leader, sampled every 50 ms for 20 s', async () => {
    cluster = new ControllerCluster({ name: `${prefix}-a`, env });
    await cluster.add(3);
    await cluster.waitForLeader({ timeoutMs: ttlMs + 1000 });
    const counts: number[] = [];
    const until = performance.now() + 20_000;
    // 20 s and at least 150 samples: on a loaded machine a sample takes longer, the check no less.
    while (performance.now() < until || counts.length <= 150) {
      counts.push((await cluster.leaders()).length);
      await sleep(50);
    }
    expect(counts.filter((n) => n !== 1)).toEqual([]);
    expect(cluster.replicas.flatMap(crashes)).toEqual([]);
  }, 120_000);

  it('elect a new leader within ttl + 1 s after kill -9 of the leader', async () => {
    cluster = new ControllerCluster({ name: `${prefix}-b`, env });
    await cluster.add(3);
    const { leader } = await cluster.waitForLeader({ timeoutMs: ttlMs + 1000 });
    const before = (await leader.view())!.leader!.epoch;
    leader.signal('SIGKILL');
    await leader.exited;
    const { leader: next, elapsedMs } = await cluster.waitForLeader({ timeoutMs: ttlMs + 1000 });
    expect(next.id).not.toBe(leader.id);
    expect(elapsedMs).toBeLessThanOrEqual(ttlMs + 1000);
    expect((await next.view())!.leader!.epoch).toBeGreaterThan(before);
  }, 60_000);

  it('hand over in under 1 s when the leader gets SIGTERM (it releases the lease)', async () => {
    cluster = new ControllerCluster({ name: `${prefix}-c`, env });
    await cluster.add(3);
    const { leader } = await cluster.waitForLeader({ timeoutMs: ttlMs + 1000 });
    leader.signal('SIGTERM');
    expect(await leader.exited).toBe(0);
    const { leader: next, elapsedMs } = await cluster.waitForLeader({ timeoutMs: 1000 });
    expect(next.id).not.toBe(leader.id);
    expect(elapsedMs).toBeLessThan(1000);
    expect(leader.lines.some((l) => l.includes('released the lease'))).toBe(true);
  }, 60_000);
});

describe('a leader frozen beyond its ttl', () => {
  it('has every write refused by fencing once resumed, steps down, and leaves the new data intact', async () => {
    cluster = new ControllerCluster({
      name: `${prefix}-d`,
      env,
      entry: join(import.meta.dirname, 'fixtures', 'stubborn-writer.ts'),
    });
    await cluster.add(2);
    const { leader: frozen } = await cluster.waitForLeader({ timeoutMs: ttlMs + 1000 });
    await sleep(300); // let it write a few times as the rightful leader
    frozen.signal('SIGSTOP');
    const other = cluster.replicas.find((r) => r !== frozen)!;
    const { leader: successor } = await cluster.waitForLeader({ among: [other], timeoutMs: ttlMs + 2000 });
    await sleep(500);
    const resumedAt = Date.now();
    frozen.signal('SIGCONT');
    await sleep(1500);

    const writes = frozen.lines
      .filter((l) => l.startsWith('{"event":"write"'))
      .map((l) => JSON.parse(l) as { ok: boolean; at: number; error?: string });
    expect(writes.filter((w) => w.at < resumedAt && w.ok).length).toBeGreaterThan(0);
    const afterResume = writes.filter((w) => w.at >= resumedAt);
    expect(afterResume.length).toBeGreaterThan(0);
    expect(afterResume.filter((w) => w.ok)).toEqual([]);
    expect(new Set(afterResume.map((w) => w.error))).toEqual(new Set(['FencedError']));
    expect(frozen.lines.some((l) => l.includes('stepped down'))).toBe(true);
    expect((await frozen.view())?.self.leading).toBe(false);

    const store = new S3StateStore({
      endpoint,
      region: names.region,
      forcePathStyle: true,
      bucket: names.bucket,
    });
    const doc = (await store.get('test/stubborn-writer.json'))?.value as { owner: string; epoch: number };
    await store.close();
    const successorView = (await successor.view())!;
    expect(doc.owner).toBe(successor.id);
    expect(doc.epoch).toBe(successorView.leader!.epoch);
    expect(cluster.replicas.flatMap(crashes)).toEqual([]);
  }, 60_000);
});
