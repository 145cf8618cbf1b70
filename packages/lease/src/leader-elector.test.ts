import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { LeaderElectorOptions } from './elector-options.js';
import { LeaderElector } from './leader-elector.js';
import type { DeposedReason, Leadership } from './leadership.js';
import { MemoryLeaseBackend } from './memory-lease-backend.js';
import { AdjustableClock } from './testing/adjustable-clock.js';
import { RecordingLogger } from './testing/recording-logger.js';
import { SwitchableLeaseBackend } from './testing/switchable-lease-backend.js';
import { trackUnhandledRejections, waitFor } from './testing/wait-for.js';

const ttlMs = 600;
const electors: LeaderElector[] = [];

/** A fast elector (ttl 600 ms) that the test cleans up. */
function elector(options: Partial<LeaderElectorOptions> & Pick<LeaderElectorOptions, 'backend' | 'owner'>) {
  const created = new LeaderElector({ name: 'controller', ttlMs, retryEveryMs: 50, ...options });
  electors.push(created);
  return created;
}

/** Records every elected/deposed event of an elector. */
function watch(e: LeaderElector) {
  const elected: Leadership[] = [];
  const deposed: { reason: DeposedReason; at: number; wall: number }[] = [];
  e.onElected((leadership) => {
    elected.push(leadership);
  });
  e.onDeposed((reason) => {
    deposed.push({ reason, at: performance.now(), wall: Date.now() });
  });
  return { elected, deposed };
}

afterEach(async () => {
  await Promise.all(electors.splice(0).map((e) => e.stop()));
});

describe('LeaderElector options', () => {
  it('uses ttl 4000, renew ttl/3 and retry ttl/8 by default', () => {
    const e = new LeaderElector({ backend: new MemoryLeaseBackend(), name: 'controller', owner: 'a' });
    expect(e.timing).toEqual({
      ttlMs: 4000,
      renewEveryMs: 1333,
      retryEveryMs: 500,
      maxClockSkewMs: 250,
      maxClockJumpMs: 125,
    });
  });

  it.each([
    [{ ttlMs: 5001 }, /ttlMs must be an integer from 100 to 5000/],
    [{ ttlMs: 1.5 }, /ttlMs/],
    [{ ttlMs: 3000, renewEveryMs: 2900 }, /renewEveryMs must be/],
    [{ retryEveryMs: 0 }, /retryEveryMs/],
    [{ maxClockSkewMs: 2500 }, /maxClockSkewMs/],
    [{ owner: '' }, /owner must not be empty/],
  ])('rejects %j', (bad, message) => {
    const make = () =>
      new LeaderElector({ backend: new MemoryLeaseBackend(), name: 'controller', owner: 'a', ...bad });
    expect(make).toThrow(message);
    expect(make).toThrow(expect.objectContaining({ code: 'LEASE_INVALID_OPTIONS' }));
  });
});

describe('LeaderElector', () => {
  it('becomes leader of a free lease with a live signal and the stored epoch as token', async () => {
    const backend = new MemoryLeaseBackend();
    const e = elector({ backend, owner: 'a' });
    const events = watch(e);
    e.start();
    e.start(); // idempotent
    await waitFor('election', () => e.isLeader(), { timeoutMs: 1000 });
    expect(events.elected).toHaveLength(1);
    const leadership = events.elected[0]!;
    expect(leadership.signal.aborted).toBe(false);
    expect(leadership.token).toEqual({ owner: 'a', epoch: 1 });
    expect(e.current()).toEqual({ owner: 'a', epoch: 1, since: expect.any(Number) });
    // Still leader after several renewals.
    await sleep(ttlMs * 2);
    expect(e.isLeader()).toBe(true);
    expect(leadership.signal.aborted).toBe(false);
    expect(events.deposed).toHaveLength(0);
    expect((await backend.read('controller'))?.expiresAt).toBeGreaterThan(Date.now());
  });

  it('steps down within the ttl, aborting the signal, when renewals fail, and recovers after', async () => {
    const backend = new SwitchableLeaseBackend(new MemoryLeaseBackend());
    const logger = new RecordingLogger();
    const unhandled = trackUnhandledRejections();
    try {
      const e = elector({ backend, owner: 'a', logger });
      const events = watch(e);
      e.start();
      await waitFor('election', () => e.isLeader(), { timeoutMs: 1000 });
      const first = events.elected[0]!;

      const outage = performance.now();
      backend.mode = 'failing';
      await waitFor('step-down', () => events.deposed.length > 0, { timeoutMs: ttlMs * 2 });
      const { reason, at } = events.deposed[0]!;
      expect(at - outage).toBeLessThan(ttlMs);
      expect(reason.code).toBe('renew-failed');
      expect(reason.token).toEqual(first.token);
      expect(first.signal.aborted).toBe(true);
      expect(first.signal.reason).toBe(reason);
      expect(e.isLeader()).toBe(false);
      expect(e.current()).toBeUndefined();
      expect(
        logger.messages('warn').some((m) => /stepped down: renewal failed .*simulated outage/.test(m)),
      ).toBe(true);

      // Several failed acquires later the backend answers again: a new term with a new epoch.
      await sleep(200);
      backend.mode = 'working';
      await waitFor('re-election', () => e.isLeader(), { timeoutMs: 1000 });
      expect(events.elected[1]!.token.epoch).toBe(first.token.epoch + 1);
      expect(logger.messages('warn').some((m) => /lease acquire failed .*simulated outage/.test(m))).toBe(
        true,
      );
      expect(unhandled.reasons).toEqual([]);
    } finally {
      unhandled.dispose();
    }
  });

  it('steps down before the stored lease expires when a renewal never answers', async () => {
    const store = new MemoryLeaseBackend();
    const backend = new SwitchableLeaseBackend(store);
    // A wide safety margin keeps this timing assertion steady on a loaded machine.
    const e = elector({ backend, owner: 'a', maxClockSkewMs: 150 });
    const events = watch(e);
    e.start();
    await waitFor('election', () => e.isLeader(), { timeoutMs: 1000 });
    const hangAt = performance.now();
    backend.mode = 'hanging';
    await waitFor('step-down', () => events.deposed.length > 0, { timeoutMs: ttlMs * 2 });
    const { reason, at, wall } = events.deposed[0]!;
    expect(at - hangAt).toBeLessThan(ttlMs);
    expect(['renew-timeout', 'deadline-passed']).toContain(reason.code);
    expect(events.elected[0]!.signal.aborted).toBe(true);
    // Safety: the holder stopped believing before any other replica could see the lease as expired.
    const stored = await store.read('controller');
    expect(wall).toBeLessThan(stored!.expiresAt);
  });

  it('steps down when another owner has taken the lease over', async () => {
    const backend = new MemoryLeaseBackend();
    const e = elector({ backend, owner: 'a', retryEveryMs: 600 });
    const events = watch(e);
    e.start();
    await waitFor('election', () => e.isLeader(), { timeoutMs: 1000 });
    // A replica whose clock is far ahead sees the lease as expired and takes it.
    const stolen = await backend.tryAcquire({
      name: 'controller',
      owner: 'b',
      ttlMs: 60_000,
      now: Date.now() + ttlMs + 1,
    });
    expect(stolen.acquired).toBe(true);
    await waitFor('step-down', () => events.deposed.length > 0, { timeoutMs: ttlMs });
    expect(events.deposed[0]!.reason).toMatchObject({
      code: 'renew-refused',
      message: expect.stringMatching(/now b, epoch 2/),
    });
    expect(e.isLeader()).toBe(false);
  });

  it('stop() steps down, releases, and a second elector takes over within one retry interval', async () => {
    const backend = new MemoryLeaseBackend();
    const retryEveryMs = 100;
    const a = elector({ backend, owner: 'a', retryEveryMs });
    const b = elector({ backend, owner: 'b', retryEveryMs });
    const eventsA = watch(a);
    const eventsB = watch(b);
    a.start();
    await waitFor('a elected', () => a.isLeader(), { timeoutMs: 1000 });
    b.start();
    await sleep(150);
    expect(b.isLeader()).toBe(false);

    const stopAt = performance.now();
    await Promise.all([a.stop(), a.stop()]);
    await a.stop(); // idempotent
    expect(eventsA.deposed.map((d) => d.reason.code)).toEqual(['stopped']);
    expect(eventsA.elected[0]!.signal.aborted).toBe(true);
    expect((await backend.read('controller'))?.expiresAt).toBe(0);

    const took = await waitFor('b elected', () => b.isLeader(), { timeoutMs: 1000 });
    expect(performance.now() - stopAt).toBeLessThan(retryEveryMs + 50);
    expect(took).toBeLessThan(retryEveryMs + 50);
    expect(eventsB.elected[0]!.token).toEqual({ owner: 'b', epoch: 2 });
    expect(() => a.start()).toThrow(expect.objectContaining({ code: 'LEASE_ELECTOR_STOPPED' }));
  });

  it('steps down on a wall-clock jump, then leads again under a new epoch', async () => {
    const clock = new AdjustableClock();
    const backend = new MemoryLeaseBackend();
    const logger = new RecordingLogger();
    const e = elector({ backend, owner: 'a', clock, logger, renewEveryMs: 100 });
    const events = watch(e);
    e.start();
    await waitFor('election', () => e.isLeader(), { timeoutMs: 1000 });
    clock.jumpWall(-1000);
    const took = await waitFor('step-down', () => events.deposed.length > 0, { timeoutMs: ttlMs });
    expect(took).toBeLessThan(200);
    expect(events.deposed[0]!.reason).toMatchObject({
      code: 'clock-jump',
      message: expect.stringMatching(/jumped backward by (99\d|100\d) ms/),
    });
    await waitFor('re-election', () => events.elected.length === 2, { timeoutMs: 1000 });
    expect(events.elected[1]!.token.epoch).toBe(2);
  });

  it('steps down when an onElected handler fails, and tries again', async () => {
    const backend = new MemoryLeaseBackend();
    const e = elector({ backend, owner: 'a' });
    const events = watch(e);
    let calls = 0;
    e.onElected(async () => {
      calls += 1;
      if (calls === 1) throw new Error('leader loop crashed');
    });
    e.start();
    await waitFor('second term', () => events.elected.length === 2, { timeoutMs: 1000 });
    expect(events.deposed[0]!.reason).toMatchObject({ code: 'handler-failed' });
    expect(events.deposed[0]!.reason.message).toMatch(/leader loop crashed/);
    expect(e.current()?.epoch).toBe(2);
  });

  it('never runs two terms at once in one process: the next term waits for the last handler', async () => {
    const backend = new SwitchableLeaseBackend(new MemoryLeaseBackend());
    const e = elector({ backend, owner: 'a' });
    const terms: { epoch: number; start: number; end?: number }[] = [];
    e.onElected(async ({ token, signal }) => {
      const term: { epoch: number; start: number; end?: number } = {
        epoch: token.epoch,
        start: performance.now(),
      };
      terms.push(term);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      await sleep(150); // slow to wind down: the next term must not start meanwhile
      term.end = performance.now();
    });
    e.start();
    await waitFor('election', () => terms.length === 1, { timeoutMs: 1000 });
    backend.mode = 'failing';
    await waitFor('step-down', () => !e.isLeader(), { timeoutMs: ttlMs * 2 });
    backend.mode = 'working';
    await waitFor('second term', () => terms.length === 2, { timeoutMs: 2000 });
    expect(terms[0]!.end).toBeDefined();
    expect(terms[1]!.start).toBeGreaterThanOrEqual(terms[0]!.end!);
    expect(terms[1]!.epoch).toBeGreaterThan(terms[0]!.epoch);
  });

  it('keeps exactly one leader among three electors sharing a backend', async () => {
    const backend = new MemoryLeaseBackend();
    const all = ['a', 'b', 'c'].map((owner) => elector({ backend, owner }));
    for (const e of all) e.start();
    await waitFor('a leader', () => all.some((e) => e.isLeader()), { timeoutMs: 1000 });
    for (let i = 0; i < 30; i += 1) {
      expect(all.filter((e) => e.isLeader())).toHaveLength(1);
      await sleep(20);
    }
  });
});
