// The health checks against a real HTTP server on the loopback: what passes and fails, and the
// prober's loops (one check in flight per allocation, transitions reported as they happen).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { checkHttp } from '../src/health/check-http.js';
import { HealthProber, type HealthTransition, STARTUP_RETRY_MS } from '../src/health/health-prober.js';
import { eventually } from './support/controller.js';

/** Status to answer per path; `hang` never answers. */
const answers = new Map<string, number | 'hang'>();
const inFlight = new Map<string, number>();
const mostInFlight = new Map<string, number>();
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    const now = (inFlight.get(path) ?? 0) + 1;
    inFlight.set(path, now);
    mostInFlight.set(path, Math.max(mostInFlight.get(path) ?? 0, now));
    const answer = answers.get(path) ?? 404;
    const done = () => inFlight.set(path, (inFlight.get(path) ?? 1) - 1);
    if (answer === 'hang') {
      request.on('close', done);
      return;
    }
    // A little latency, so overlapping checks would show.
    setTimeout(() => {
      response.writeHead(answer, answer === 302 ? { location: '/login' } : {}).end('body');
      done();
    }, 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('checkHttp', () => {
  const signal = new AbortController().signal;

  it.each([
    [200, { ok: true }],
    [204, { ok: true }],
    [302, { ok: true }],
    [404, { ok: false, error: 'GET /s404 answered HTTP 404' }],
    [500, { ok: false, error: 'GET /s500 answered HTTP 500' }],
  ])('answers HTTP %i → %j', async (status, result) => {
    answers.set(`/s${status}`, status);
    expect(await checkHttp({ url: `${base}/s${status}`, timeoutMs: 2000, signal })).toEqual(result);
  });

  it('fails a check that gets no answer within the timeout', async () => {
    answers.set('/hang', 'hang');
    expect(await checkHttp({ url: `${base}/hang`, timeoutMs: 200, signal })).toEqual({
      ok: false,
      error: 'GET /hang: no answer within 200 ms',
    });
  });

  it('fails a check whose connection is refused, naming why', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const result = await checkHttp({ url: `http://127.0.0.1:${port}/`, timeoutMs: 2000, signal });
    expect(result).toEqual({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('HealthProber', () => {
  it('reports starting → running → unhealthy → running, one check in flight per allocation', async () => {
    const transitions: HealthTransition[] = [];
    const prober = new HealthProber({
      logger: pino({ level: 'silent' }),
      onTransition: (t) => transitions.push(t),
    });
    const target = (allocation: string) => ({
      allocation,
      run: `c-${allocation}@t0`,
      url: `${base}/${allocation}`,
      intervalMs: 10,
      timeoutMs: 1000,
    });
    answers.set('/p1', 200);
    answers.set('/p2', 500);
    try {
      prober.track([target('p1'), target('p2')]);
      await eventually(async () => {
        if (prober.viewOf('p1')?.state !== 'running') throw new Error('p1 not running yet');
      });
      answers.set('/p1', 503);
      await eventually(async () => {
        if (prober.viewOf('p1')?.state !== 'unhealthy') throw new Error('p1 not unhealthy yet');
      });
      answers.set('/p1', 200);
      await eventually(async () => {
        if (prober.viewOf('p1')?.state !== 'running') throw new Error('p1 not running again');
      });
      // p2 never passed: still starting after many failures, and no transition was reported for it.
      await eventually(async () => {
        if ((prober.viewOf('p2')?.record.consecutiveFailures ?? 0) < 5) throw new Error('too few checks');
      });
      expect(prober.viewOf('p2')).toMatchObject({
        state: 'starting',
        record: { status: 'failing', lastError: 'GET /p2 answered HTTP 500', passedOnce: false },
      });
      expect(transitions).toEqual([
        { allocation: 'p1', from: 'starting', to: 'running' },
        { allocation: 'p1', from: 'running', to: 'unhealthy' },
        { allocation: 'p1', from: 'unhealthy', to: 'running' },
      ]);
      expect([mostInFlight.get('/p1'), mostInFlight.get('/p2')]).toEqual([1, 1]);

      // A new container run starts from scratch; an allocation no longer tracked is forgotten.
      prober.track([{ ...target('p1'), run: 'c-p1@t1' }]);
      expect(prober.viewOf('p1')).toMatchObject({ run: 'c-p1@t1', state: 'starting' });
      expect(prober.viewOf('p2')).toBeUndefined();
    } finally {
      await prober.close();
      await prober.close();
    }
    expect(prober.viewOf('p1')).toBeUndefined();
  });

  it('asks a container that has not passed yet again soon, not a whole interval later', async () => {
    const prober = new HealthProber({ logger: pino({ level: 'silent' }) });
    answers.set('/slow-start', 503);
    try {
      prober.track([
        {
          allocation: 'slow-start',
          run: 'c@t0',
          url: `${base}/slow-start`,
          intervalMs: 60_000,
          timeoutMs: 1000,
        },
      ]);
      await eventually(async () => {
        if ((prober.viewOf('slow-start')?.record.consecutiveFailures ?? 0) < 2)
          throw new Error('one check so far');
      });
      answers.set('/slow-start', 200); // the app is up: the next startup retry sees it
      await eventually(async () => {
        if (prober.viewOf('slow-start')?.state !== 'running') throw new Error('not running yet');
      });
      // Once passed, the interval applies again: no more checks within the minute.
      const record = prober.viewOf('slow-start')!.record;
      await new Promise((resolve) => setTimeout(resolve, 3 * STARTUP_RETRY_MS));
      expect(prober.viewOf('slow-start')!.record).toEqual(record);
    } finally {
      await prober.close();
    }
  });
});
