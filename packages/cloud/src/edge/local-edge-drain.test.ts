import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { RecordingLogger, route, send, startBackend, type TestBackend } from '../testing/edge-fixtures.js';
import { type LocalEdge, startLocalEdge } from './local-edge.js';

/** Resolves once `backend` has received its `count`-th request. */
function receivedRequest(backend: TestBackend, count = 1): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (backend.received.length >= count ? resolve() : setTimeout(check, 5));
    check();
  });
}

describe('LocalEdge in-flight requests', () => {
  const backends: TestBackend[] = [];
  let edge: LocalEdge | undefined;

  const backend = async (id: string, handler?: Parameters<typeof startBackend>[1]) => {
    const started = await startBackend(id, handler);
    backends.push(started);
    return started;
  };
  /** Answers after ~1 s. */
  const slow = (id: string) =>
    backend(id, (req, res) => {
      req.resume();
      setTimeout(() => res.end(`${id} (slow)`), 1000);
    });

  afterEach(async () => {
    await edge?.close();
    edge = undefined;
    await Promise.all(backends.splice(0).map((b) => b.close()));
  });

  it('lets a slow request to a removed backend finish, and sends it nothing new', async () => {
    edge = await startLocalEdge({ port: 0, logger: new RecordingLogger() });
    const old = await slow('old');
    const next = await backend('new');
    await edge.update([route('acme', 'web', [old])]);
    const inFlight = send(edge.port, 'web.acme.localhost');
    await receivedRequest(old);
    await edge.update([route('acme', 'web', [next])]);
    const after = await send(edge.port, 'web.acme.localhost');
    expect(after.body).toBe('new');
    expect(await inFlight).toMatchObject({ status: 200, body: 'old (slow)' });
    expect(old.received).toHaveLength(1);
  });

  it('lets a streaming response from a removed backend run to its end', async () => {
    edge = await startLocalEdge({ port: 0, logger: new RecordingLogger() });
    const chunks = ['one ', 'two ', 'three ', 'four'];
    const streaming = await backend('stream', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (const [i, chunk] of chunks.entries()) {
        setTimeout(() => (i === chunks.length - 1 ? res.end(chunk) : res.write(chunk)), 250 * i);
      }
    });
    await edge.update([route('acme', 'web', [streaming])]);
    const answer = send(edge.port, 'web.acme.localhost');
    await receivedRequest(streaming);
    await edge.update([route('acme', 'web', [])]);
    expect((await send(edge.port, 'web.acme.localhost')).status).toBe(503);
    expect(await answer).toMatchObject({ status: 200, body: 'one two three four' });
  });

  it('close() stops accepting but lets in-flight requests finish', async () => {
    const local = await startLocalEdge({ port: 0, logger: new RecordingLogger() });
    const old = await slow('old');
    await local.update([route('acme', 'web', [old])]);
    const keepAlive = new Agent({ keepAlive: true });
    const inFlight = send(local.port, 'web.acme.localhost', { agent: keepAlive });
    await receivedRequest(old);
    const closing = local.close();
    await expect(send(local.port, 'web.acme.localhost')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await inFlight).toMatchObject({ status: 200, body: 'old (slow)' });
    await closing;
    expect(local.stats().inFlight).toBe(0);
    keepAlive.destroy();
  });

  it('close() cuts requests still running after the drain timeout', async () => {
    const local = await startLocalEdge({ port: 0, logger: new RecordingLogger(), drainTimeoutMs: 100 });
    const hanging = await backend('hanging', () => {});
    await local.update([route('acme', 'web', [hanging])]);
    const inFlight = new Promise<string>((resolve) => {
      const req = request({ host: '127.0.0.1', port: local.port, headers: { host: 'web.acme.localhost' } });
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.on('response', () => resolve('answered'));
      req.end();
    });
    await receivedRequest(hanging);
    await local.close();
    expect(await inFlight).toBe('ECONNRESET');
  });
});
