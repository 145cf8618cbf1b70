import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoLeaseBackend } from './dynamo-lease-backend.js';
import { LeaderElector } from './leader-elector.js';
import type { DeposedReason, Leadership } from './leadership.js';
import { freshLeaseTable, motoClient, uniqueName } from './testing/moto.js';
import { RecordingLogger } from './testing/recording-logger.js';
import { SwitchableLeaseBackend } from './testing/switchable-lease-backend.js';
import { trackUnhandledRejections, waitFor } from './testing/wait-for.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ttlMs = 1500;
// These tests sleep on purpose (5 s of sampling, a failover); jest's 5 s default is too short.
const slowTestMs = 30_000;
let table: { client: DynamoDBClient; tableName: string; drop(): Promise<void> };
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  table = await freshLeaseTable();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await table.drop();
});

/**
 * One replica: its own backend and elector behind a switch. Replicas share the table's client
 * because moto is only atomic when it sees one request at a time (see motoClient).
 */
function replica(owner: string, lease: string, logger = new RecordingLogger()) {
  const backend = new SwitchableLeaseBackend(
    new DynamoLeaseBackend({ client: table.client, tableName: table.tableName }),
  );
  const elector = new LeaderElector({ backend, name: lease, owner, ttlMs, logger });
  const elected: Leadership[] = [];
  const deposed: { reason: DeposedReason; at: number }[] = [];
  elector.onElected((leadership) => {
    elected.push(leadership);
  });
  elector.onDeposed((reason) => {
    deposed.push({ reason, at: performance.now() });
  });
  cleanups.push(() => elector.stop());
  return { elector, backend, elected, deposed, logger };
}

describe('LeaderElector on DynamoDB (moto)', () => {
  it(
    'steps down within the ttl when DynamoDB becomes unreachable, and recovers when it answers again',
    async () => {
      const unhandled = trackUnhandledRejections();
      const unreachable = motoClient('http://127.0.0.1:1');
      cleanups.push(() => unreachable.destroy());
      try {
        const a = replica('a', uniqueName('outage'));
        a.elector.start();
        await waitFor('election', () => a.elector.isLeader(), { timeoutMs: 3000 });
        const working = new DynamoLeaseBackend({ client: table.client, tableName: table.tableName });

        const outage = performance.now();
        a.backend.use(new DynamoLeaseBackend({ client: unreachable, tableName: table.tableName }));
        await waitFor('step-down', () => a.deposed.length > 0, { timeoutMs: ttlMs * 2 });
        const { reason, at } = a.deposed[0]!;
        expect(at - outage).toBeLessThan(ttlMs);
        expect(['renew-failed', 'renew-timeout']).toContain(reason.code);
        expect(a.elected[0]!.signal.aborted).toBe(true);
        const why = a.logger.lines.find(
          (line) => line.level === 'warn' && line.message.startsWith('stepped down'),
        );
        expect(why?.message).toMatch(/ECONNREFUSED|did not answer/);
        expect(why?.fields).toMatchObject({
          lease: expect.any(String),
          owner: 'a',
          epoch: 1,
          code: reason.code,
        });

        await sleep(500); // a few failed acquire attempts
        expect(a.elector.isLeader()).toBe(false);
        expect(
          a.logger.messages('warn').filter((m) => /^lease acquire failed .*ECONNREFUSED/.test(m)).length,
        ).toBeGreaterThan(0);

        a.backend.use(working);
        await waitFor('re-election', () => a.elector.isLeader(), { timeoutMs: ttlMs });
        expect(a.elected[1]!.token).toEqual({ owner: 'a', epoch: 2 });
        expect(unhandled.reasons).toEqual([]);
      } finally {
        unhandled.dispose();
      }
    },
    slowTestMs,
  );

  it(
    'keeps exactly one leader, and fails over within ttl + retry after the leader dies without releasing',
    async () => {
      const lease = uniqueName('failover');
      const replicas = [replica('a', lease), replica('b', lease)];
      const leaders = () => replicas.filter((r) => r.elector.isLeader());
      for (const r of replicas) r.elector.start();
      await waitFor('a leader', () => leaders().length === 1, { timeoutMs: 3000 });

      const counts: number[] = [];
      const sampleUntil = performance.now() + 5000;
      // 5 s and at least 80 samples: on a loaded machine a sample takes longer, the check no less.
      while (performance.now() < sampleUntil || counts.length <= 80) {
        counts.push(leaders().length);
        await sleep(50);
      }
      expect(counts.filter((n) => n !== 1)).toEqual([]);

      // Crash: the leader's process freezes — no more renewals, no release, no answers at all.
      const dead = leaders()[0]!;
      const survivor = replicas.find((r) => r !== dead)!;
      const deadEpoch = dead.elected.at(-1)!.token.epoch;
      const crashAt = performance.now();
      dead.backend.mode = 'hanging';
      const overlaps: number[] = [];
      const failover = await waitFor(
        'failover',
        () => {
          if (leaders().length > 1) overlaps.push(performance.now() - crashAt);
          return survivor.elector.isLeader();
        },
        { timeoutMs: ttlMs * 3, everyMs: 10 },
      );
      const { retryEveryMs } = survivor.elector.timing;
      expect(overlaps).toEqual([]);
      expect(failover).toBeLessThan(ttlMs + retryEveryMs + 250); // + moto round trips and timer slack
      expect(survivor.elected.at(-1)!.token.epoch).toBeGreaterThan(deadEpoch);
      expect(dead.elector.isLeader()).toBe(false);
      if (process.env.LEASE_TEST_FIGURES) {
        console.log(
          JSON.stringify({ ttlMs, retryEveryMs, samples: counts.length, failoverMs: Math.round(failover) }),
        );
      }
    },
    slowTestMs,
  );
});
