import { request } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { RecordingLogger, route, send, startBackend, type TestBackend } from '../testing/edge-fixtures.js';
import { type LocalEdge, startLocalEdge } from './local-edge.js';

describe('LocalEdge routing', () => {
  const backends: TestBackend[] = [];
  let edge: LocalEdge | undefined;
  const logger = new RecordingLogger();

  const backend = async (id: string, handler?: Parameters<typeof startBackend>[1]) => {
    const started = await startBackend(id, handler);
    backends.push(started);
    return started;
  };
  const start = async () => {
    edge = await startLocalEdge({ port: 0, logger });
    return edge;
  };

  afterEach(async () => {
    await edge?.close();
    edge = undefined;
    await Promise.all(backends.splice(0).map((b) => b.close()));
  });

  it('routes by Host header, ignoring case and port', async () => {
    const edge = await start();
    const web = await backend('acme-web-0');
    const api = await backend('beta-api-0');
    await edge.update([
      route('acme', 'web', [web]),
      route('beta', 'api', [api], { hostnames: ['api.beta.localhost', 'api.example.com'] }),
    ]);

    expect((await send(edge.port, `web.acme.localhost:${edge.port}`)).body).toBe('acme-web-0');
    expect((await send(edge.port, 'API.Beta.LOCALHOST')).body).toBe('beta-api-0');
    expect((await send(edge.port, 'api.example.com')).body).toBe('beta-api-0');
    expect(edge.stats()).toMatchObject({ requests: 3, notFound: 0, retries: 0 });
  });

  it('answers an unknown host with a 404 that names it and shows how URLs look', async () => {
    const edge = await start();
    await edge.update([]);
    const answer = await send(edge.port, `nope.acme.localhost:${edge.port}`);
    expect(answer.status).toBe(404);
    expect(answer.body).toContain('nope.acme.localhost');
    expect(answer.body).toContain(`http://<service>.<tenant>.localhost:${edge.port}`);
    expect(edge.stats().notFound).toBe(1);
  });

  it('answers a route without backends with a 503 saying it has no healthy allocation', async () => {
    const edge = await start();
    await edge.update([route('acme', 'web', [])]);
    const answer = await send(edge.port, 'web.acme.localhost');
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('no healthy allocation');
    expect(answer.body).toContain('service web of tenant acme');
    expect(edge.stats().failures.no_backend).toBe(1);
  });

  it('spreads requests round robin across a route’s backends', async () => {
    const edge = await start();
    const fleet = [await backend('web-0'), await backend('web-1'), await backend('web-2')];
    await edge.update([route('acme', 'web', fleet)]);
    const bodies: string[] = [];
    for (let i = 0; i < 9; i++) bodies.push((await send(edge.port, 'web.acme.localhost')).body);
    expect(bodies).toEqual(['web-0', 'web-1', 'web-2', 'web-0', 'web-1', 'web-2', 'web-0', 'web-1', 'web-2']);
  });

  it('sends X-Forwarded-For, -Host and -Proto, appending to a client’s X-Forwarded-For', async () => {
    const edge = await start();
    const web = await backend('web-0');
    await edge.update([route('acme', 'web', [web])]);
    await send(edge.port, `web.acme.localhost:${edge.port}`, {
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' },
    });
    expect(web.received[0]!.headers).toMatchObject({
      host: `web.acme.localhost:${edge.port}`,
      'x-forwarded-for': '203.0.113.9, 127.0.0.1',
      'x-forwarded-host': `web.acme.localhost:${edge.port}`,
      'x-forwarded-proto': 'http',
    });
  });

  it('keeps backend connections alive across requests', async () => {
    const edge = await start();
    const web = await backend('web-0');
    await edge.update([route('acme', 'web', [web])]);
    for (let i = 0; i < 5; i++) await send(edge.port, 'web.acme.localhost');
    const sockets = new Set(web.received.map((req) => req.socket));
    expect(web.received).toHaveLength(5);
    expect(sockets.size).toBe(1);
  });

  it('serves the new table to the very next request after update() and keeps a 404 for removed hosts', async () => {
    const edge = await start();
    const v1 = await backend('v1');
    const v2 = await backend('v2');
    await edge.update([route('acme', 'web', [v1])]);
    expect((await send(edge.port, 'web.acme.localhost')).body).toBe('v1');
    await edge.update([route('acme', 'web', [v2])]);
    for (let i = 0; i < 5; i++) expect((await send(edge.port, 'web.acme.localhost')).body).toBe('v2');
    expect(v1.received).toHaveLength(1);
    await edge.update([]);
    expect((await send(edge.port, 'web.acme.localhost')).status).toBe(404);
  });

  it('reports a hostname claimed by two tenants, keeps it with the first and logs the other tenant', async () => {
    const edge = await start();
    const acme = await backend('acme-web');
    const zeta = await backend('zeta-web');
    const report = await edge.update([
      route('zeta', 'web', [zeta], { hostnames: ['web.zeta.localhost', 'shop.example.com'] }),
      route('acme', 'web', [acme], { hostnames: ['web.acme.localhost', 'shop.example.com'] }),
    ]);
    expect(report.conflicts).toEqual([
      expect.objectContaining({
        hostname: 'shop.example.com',
        dropped: expect.objectContaining({ tenant: 'zeta' }),
      }),
    ]);
    expect((await send(edge.port, 'shop.example.com')).body).toBe('acme-web');
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({ tenant: 'zeta', hostname: 'shop.example.com' }),
      }),
    );
  });

  it('rejects a malformed table and keeps serving the previous one', async () => {
    const edge = await start();
    const web = await backend('web-0');
    await edge.update([route('acme', 'web', [web])]);
    await expect(
      edge.update([route('acme', 'web', [{ id: 'web-1', address: 'file:///etc/passwd' }])]),
    ).rejects.toMatchObject({
      code: 'EDGE_INVALID_ROUTE',
    });
    expect((await send(edge.port, 'web.acme.localhost')).body).toBe('web-0');
  });

  it('passes a WebSocket-style upgrade through to the backend and back', async () => {
    const edge = await start();
    const ws = await backend('ws-0');
    ws.server.on('upgrade', (req, socket: Socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
      socket.write(`hello from ${req.headers['x-forwarded-host']}|`);
      socket.pipe(socket);
    });
    await edge.update([route('acme', 'ws', [ws])]);
    const received = await new Promise<string>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: edge.port,
        headers: { host: 'ws.acme.localhost', connection: 'Upgrade', upgrade: 'websocket' },
      });
      req.on('error', reject);
      req.on('upgrade', (res, socket, head) => {
        expect(res.statusCode).toBe(101);
        let text = head.toString();
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.endsWith('ping')) {
            socket.destroy();
            resolve(text);
          }
        });
        socket.write('ping');
      });
      req.end();
    });
    expect(received).toBe('hello from ws.acme.localhost|ping');
    expect(edge.stats().upgrades).toBe(1);
  });

  it('refuses update() after close(), and close() twice is fine', async () => {
    const edge = await start();
    await edge.close();
    await edge.close();
    await expect(edge.update([])).rejects.toMatchObject({ code: 'EDGE_CLOSED' });
  });
});
