import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ControllerClient } from './controller-client.js';
import { ControllerRequestError, ControllerUnreachableError } from './controller-errors.js';

// A real HTTP server playing the controller: the client's retries and errors against real sockets.
let server: Server | undefined;
const seen: { method: string; url: string; authorization: string | undefined; body: string }[] = [];

async function serve(answer: (request: IncomingMessage, response: ServerResponse, call: number) => void) {
  seen.length = 0;
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        body,
      });
      answer(request, response, seen.length);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

const fast = { retries: 3, minRetryDelayMs: 5, maxRetryDelayMs: 20 };
const identity = { host: 'h-1', hostToken: 'slh_test' };
const json = (response: ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('ControllerClient', () => {
  it('retries a 5xx and returns the answer that follows, with the host token', async () => {
    const apiUrl = await serve((_request, response, call) =>
      call < 3
        ? json(response, 503, { error: { code: 'unavailable', message: 'busy' } })
        : json(response, 200, { values: { API_KEY: 'k' } }),
    );
    const client = new ControllerClient({ apiUrl, tenant: 'acme', identity, ...fast });
    expect(await client.secrets('a-1')).toEqual({ API_KEY: 'k' });
    expect(seen).toHaveLength(3);
    expect(seen[2]).toEqual({
      method: 'POST',
      url: '/v1/tenants/acme/hosts/h-1/secrets',
      authorization: 'Bearer slh_test',
      body: '{"allocation":"a-1"}',
    });
  });

  it('does not retry a 4xx: a typed error with the API code and message', async () => {
    const apiUrl = await serve((_request, response) =>
      json(response, 409, { error: { code: 'secrets_missing', message: 'not set: API_KEY' } }),
    );
    const client = new ControllerClient({ apiUrl, tenant: 'acme', identity, ...fast });
    const error = await client.secrets('a-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControllerRequestError);
    expect(error).toMatchObject({ status: 409, code: 'secrets_missing', request: 'POST secrets' });
    expect(seen).toHaveLength(1);
  });

  it('gives up on a 5xx after its retries with the last answer', async () => {
    const apiUrl = await serve((_request, response) => response.writeHead(502).end('bad gateway'));
    const client = new ControllerClient({ apiUrl, tenant: 'acme', identity, ...fast });
    await expect(client.policy()).rejects.toMatchObject({ status: 502, code: 'http_502' });
    expect(seen).toHaveLength(4);
  });

  it('says the controller is unreachable after retrying a refused connection', async () => {
    const apiUrl = await serve(() => undefined);
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const client = new ControllerClient({ apiUrl, tenant: 'acme', identity, ...fast });
    const error = await client.heartbeat([]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControllerUnreachableError);
    expect((error as Error).message).toMatch(
      /POST heartbeat: the controller at .* did not answer \(.*ECONNREFUSED\)/,
    );
  });

  it('long-polls with If-None-Match and reads 304 as unchanged, 200 as a new document with its ETag', async () => {
    const apiUrl = await serve((request, response) => {
      if (request.headers['if-none-match'] === '"e1"') return response.writeHead(304).end();
      response.setHeader('etag', '"e1"');
      json(response, 200, { tenant: 'acme', host: 'h-1', allocations: [] });
    });
    const client = new ControllerClient({ apiUrl, tenant: 'acme', identity, ...fast });
    expect(await client.desired({ waitSeconds: 25 })).toEqual({
      changed: true,
      etag: '"e1"',
      document: { tenant: 'acme', host: 'h-1', allocations: [] },
    });
    expect(await client.desired({ etag: '"e1"', waitSeconds: 25 })).toEqual({ changed: false });
    expect(seen.map((s) => s.url)).toEqual([
      '/v1/tenants/acme/hosts/h-1/desired?wait=25',
      '/v1/tenants/acme/hosts/h-1/desired?wait=25',
    ]);
  });
});
