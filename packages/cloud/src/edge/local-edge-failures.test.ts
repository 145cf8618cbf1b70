import { afterEach, describe, expect, it } from '@jest/globals';
import {
  RecordingLogger,
  refusingAddress,
  route,
  send,
  startBackend,
  type TestBackend,
} from '../testing/edge-fixtures.js';
import { type LocalEdge, type LocalEdgeOptions, startLocalEdge } from './local-edge.js';

describe('LocalEdge when backends fail', () => {
  const backends: TestBackend[] = [];
  let edge: LocalEdge | undefined;

  const backend = async (id: string, handler?: Parameters<typeof startBackend>[1]) => {
    const started = await startBackend(id, handler);
    backends.push(started);
    return started;
  };
  const start = async (options: Partial<LocalEdgeOptions> = {}) => {
    edge = await startLocalEdge({ port: 0, logger: new RecordingLogger(), ...options });
    return edge;
  };
  /** A backend that takes the request and drops the connection without a byte of response. */
  const resetting = (id: string) => backend(id, (req) => req.socket.destroy());

  afterEach(async () => {
    await edge?.close();
    edge = undefined;
    await Promise.all(backends.splice(0).map((b) => b.close()));
  });

  it('retries a refused connection on another backend of the route, for any method without a body', async () => {
    const edge = await start();
    const good = await backend('good');
    await edge.update([route('acme', 'web', [{ id: 'dead', address: await refusingAddress() }, good])]);
    // The first pick of a new route is its first backend: the dead one.
    const get = await send(edge.port, 'web.acme.localhost');
    const post = await send(edge.port, 'web.acme.localhost', { method: 'POST' });
    expect([get.status, get.body]).toEqual([200, 'good']);
    expect([post.status, post.body]).toEqual([200, 'good']);
    expect(edge.stats().retries).toBeGreaterThanOrEqual(1);
    expect(edge.stats().failures.backend_unreachable).toBe(0);
  });

  it('gives up a connection not made within the connect timeout and tries another backend', async () => {
    const edge = await start({ connectTimeoutMs: 300 });
    const good = await backend('good');
    // TEST-NET-1 (RFC 5737): nothing answers there; the SYN is lost or the host is unreachable.
    await edge.update([route('acme', 'web', [{ id: 'blackhole', address: 'http://192.0.2.1:81' }, good])]);
    const answer = await send(edge.port, 'web.acme.localhost');
    expect([answer.status, answer.body]).toEqual([200, 'good']);
    expect(edge.stats().retries).toBe(1);
  });

  it('retries a GET whose connection was reset before any response byte', async () => {
    const edge = await start();
    const reset = await resetting('reset');
    const good = await backend('good');
    await edge.update([route('acme', 'web', [reset, good])]);
    const answer = await send(edge.port, 'web.acme.localhost');
    expect([answer.status, answer.body]).toEqual([200, 'good']);
    expect(reset.received).toHaveLength(1);
    expect(edge.stats().retries).toBe(1);
  });

  it('does not retry a POST after a reset (the backend may have acted on it): 502', async () => {
    const edge = await start();
    const reset = await resetting('reset');
    const good = await backend('good');
    await edge.update([route('acme', 'web', [reset, good])]);
    const answer = await send(edge.port, 'web.acme.localhost', { method: 'POST' });
    expect(answer.status).toBe(502);
    expect(good.received).toHaveLength(0);
    expect(edge.stats()).toMatchObject({ retries: 0, failures: { backend_unreachable: 1 } });
  });

  it('does not retry a request with a body, whose bytes went into the failed attempt: 502', async () => {
    const edge = await start();
    const good = await backend('good');
    await edge.update([route('acme', 'web', [{ id: 'dead', address: await refusingAddress() }, good])]);
    const answer = await send(edge.port, 'web.acme.localhost', { method: 'PUT', body: 'payload' });
    expect(answer.status).toBe(502);
    expect(good.received).toHaveLength(0);
  });

  it('answers 502 naming the service when every backend fails', async () => {
    const edge = await start();
    const dead = [await refusingAddress(), await refusingAddress()].map((address, i) => ({
      id: `dead-${i}`,
      address,
    }));
    await edge.update([route('acme', 'web', dead)]);
    const answer = await send(edge.port, 'web.acme.localhost');
    expect(answer.status).toBe(502);
    expect(answer.body).toContain('service web of tenant acme');
    expect(answer.body).toContain('2 allocation(s) tried');
    expect(edge.stats()).toMatchObject({ retries: 1, failures: { backend_unreachable: 1 } });
  });

  it('never retries once response bytes went to the client: the response is cut instead', async () => {
    const edge = await start();
    const partial = await backend('partial', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first half…');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const good = await backend('good');
    await edge.update([route('acme', 'web', [partial, good])]);
    await expect(send(edge.port, 'web.acme.localhost')).rejects.toThrow();
    expect(good.received).toHaveLength(0);
    expect(edge.stats()).toMatchObject({ retries: 0, failures: { backend_aborted: 1 } });
  });

  it('answers 504 when a backend stays silent past the backend timeout, without retrying', async () => {
    const edge = await start({ backendTimeoutMs: 200 });
    const silent = await backend('silent', () => {});
    const good = await backend('good');
    await edge.update([route('acme', 'web', [silent, good])]);
    const answer = await send(edge.port, 'web.acme.localhost');
    expect(answer.status).toBe(504);
    expect(good.received).toHaveLength(0);
    expect(edge.stats().failures.backend_timeout).toBe(1);
  });

  it('passes a backend’s own 5xx through unchanged and counts it apart', async () => {
    const edge = await start();
    const failing = await backend('failing', (_req, res) => {
      res.statusCode = 500;
      res.end('app error');
    });
    await edge.update([route('acme', 'web', [failing])]);
    const answer = await send(edge.port, 'web.acme.localhost');
    expect([answer.status, answer.body]).toEqual([500, 'app error']);
    expect(edge.stats()).toMatchObject({ backend5xx: 1, retries: 0, failures: { backend_unreachable: 0 } });
  });
});
