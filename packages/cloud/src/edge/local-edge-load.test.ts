import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { RecordingLogger, route, send, startBackend, type TestBackend } from '../testing/edge-fixtures.js';
import { type LocalEdge, startLocalEdge } from './local-edge.js';

const total = 900; // at 300 launched per second: 3 s of traffic
const perTick = 3;
const tickMs = 10;
const addNewAfter = 250; // completed requests before the new set joins
const removeOldAfter = 500; // completed requests before the old set leaves

/** Answers with its version after a few ms, as a real app takes a moment. */
function versioned(version: string, index: number) {
  return startBackend(`${version}-${index}`, (req, res) => {
    req.resume();
    setTimeout(() => res.end(version), index * 3);
  });
}

describe('LocalEdge under load during a rolling deploy', () => {
  const backends: TestBackend[] = [];
  let edge: LocalEdge | undefined;

  afterEach(async () => {
    await edge?.close();
    await Promise.all(backends.splice(0).map((b) => b.close()));
  });

  it.each([
    ['the old set stops after leaving the table', false],
    ['an old allocation dies before the table drops it', true],
  ])('loses no request while the new set is added and the old removed: %s', async (_, crash) => {
    edge = await startLocalEdge({ port: 0, logger: new RecordingLogger() });
    const old = await Promise.all([0, 1].map((i) => versioned('old', i)));
    const next = await Promise.all([0, 1].map((i) => versioned('new', i)));
    backends.push(...old, ...next);
    await edge.update([route('acme', 'web', old)]);

    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    const answers: { issuedAt: number; doneAt?: number; body?: string; error?: string }[] = [];
    let completed = 0;
    let phase: 'old' | 'both' | 'new' = 'old';
    // Answers completed before the new set joined: they were routed by the old table. (One issued
    // earlier may still reach the edge after the swap, so issue order cannot tell.)
    let addedAtDone = Number.POSITIVE_INFINITY;
    let removedAtIssue = Number.POSITIVE_INFINITY;
    const edgeNow = edge;

    const advance = async () => {
      if (phase === 'old' && completed >= addNewAfter) {
        phase = 'both';
        addedAtDone = completed;
        await edgeNow.update([route('acme', 'web', [...old, ...next])]);
        // A crash: its open connections are cut and new ones refused while it is still in the table.
        if (crash) {
          old[0]!.server.closeAllConnections();
          void old[0]!.close();
        }
      } else if (phase === 'both' && completed >= removeOldAfter) {
        phase = 'new';
        await edgeNow.update([route('acme', 'web', next)]);
        removedAtIssue = answers.length;
        // The old allocations stop right after leaving the table, as a rollout stops them.
        void Promise.all(old.map((b) => b.close()));
      }
    };

    const one = async (index: number) => {
      try {
        const answer = await send(edgeNow.port, 'web.acme.localhost', { agent });
        answers[index]!.body = answer.status === 200 ? answer.body : `HTTP ${answer.status}: ${answer.body}`;
      } catch (error) {
        answers[index]!.error = (error as Error).message;
      }
      answers[index]!.doneAt = completed;
      completed += 1;
      await advance();
    };

    const inFlight: Promise<void>[] = [];
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        for (let i = 0; i < perTick && answers.length < total; i++) {
          answers.push({ issuedAt: answers.length });
          inFlight.push(one(answers.length - 1));
        }
        if (answers.length >= total) {
          clearInterval(timer);
          resolve();
        }
      }, tickMs);
    });
    await Promise.all(inFlight);
    agent.destroy();

    const failed = answers.filter((a) => a.error !== undefined || (a.body !== 'old' && a.body !== 'new'));
    expect(failed).toEqual([]);
    expect(answers).toHaveLength(total);
    // Before the new set joined only old answered; once the old set left only new did.
    expect(answers.filter((a) => a.doneAt! < addedAtDone).every((a) => a.body === 'old')).toBe(true);
    expect(answers.slice(removedAtIssue).every((a) => a.body === 'new')).toBe(true);
    expect(removedAtIssue).toBeLessThan(total);
    const count = (version: string) => answers.filter((a) => a.body === version).length;
    expect(count('old')).toBeGreaterThanOrEqual(addNewAfter);
    expect(count('new')).toBeGreaterThanOrEqual(total - removedAtIssue);
    if (crash) expect(edgeNow.stats().retries).toBeGreaterThan(0);
    expect(edgeNow.stats()).toMatchObject({
      requests: total,
      failures: { no_backend: 0, backend_unreachable: 0, backend_timeout: 0, backend_aborted: 0 },
    });
  });
});
