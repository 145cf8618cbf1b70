import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GitHubError, notFound } from './github-error.js';
import type { RecordedRequest, RequestLog } from './request-log.js';
import { matchRoute, type Route, type RouteContext, type RouteResponse } from './router.js';

/** GitHub Enterprise Server serves its REST API under this prefix; the fake also answers without it. */
export const API_PREFIX = '/api/v3';
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Everything a request needs besides itself. */
export type HandlerDependencies = Omit<
  RouteContext,
  'method' | 'params' | 'query' | 'headers' | 'body' | 'url'
> & {
  routes: readonly Route[];
  log: RequestLog;
  /** Unexpected exceptions in handlers (bugs in the fake), kept for tests to assert on. */
  serverErrors: Error[];
};

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new GitHubError({ status: 413, message: 'Request body too large' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseBody(raw: Buffer, contentType: string): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    if (contentType.includes('json'))
      throw new GitHubError({ status: 400, message: 'Problems parsing JSON' });
    return text;
  }
}

function stripPrefix(pathname: string): string {
  if (pathname === API_PREFIX) return '/';
  return pathname.startsWith(`${API_PREFIX}/`) ? pathname.slice(API_PREFIX.length) : pathname;
}

function send(
  response: ServerResponse,
  answer: RouteResponse,
  now: number,
  reason: string | undefined,
): void {
  const isBytes = Buffer.isBuffer(answer.body);
  const payload = isBytes
    ? (answer.body as Buffer)
    : answer.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(JSON.stringify(answer.body));
  const headers: Record<string, string> = {
    // Taken from the fake's clock: @octokit/auth-app reads it to correct JWT clock skew.
    date: new Date(now).toUTCString(),
    'x-github-request-id': randomUUID(),
    'x-github-media-type': 'github.v3; format=json',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-used': '1',
    'x-ratelimit-resource': 'core',
    'x-ratelimit-reset': String(Math.floor(now / 1000) + 3600),
    ...(isBytes || answer.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    ...(reason ? { 'x-fake-github-reason': reason } : {}),
    ...answer.headers,
    'content-length': String(payload.length),
  };
  response.writeHead(answer.status, headers);
  response.end(payload);
}

/**
 * The fake's HTTP entry point: record the request, find its route, run it, and answer in
 * GitHub's shape. Unknown endpoints answer 404 and stay visible in `requests.unhandled()`.
 */
export function createRequestHandler(deps: HandlerDependencies) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', deps.urls.origin);
    const headers = flattenHeaders(request);
    const record: RecordedRequest = {
      method: (request.method ?? 'GET').toUpperCase(),
      path: stripPrefix(url.pathname),
      url: request.url ?? '/',
      query: Object.fromEntries(url.searchParams),
      headers,
      body: undefined,
      status: 0,
      route: undefined,
    };
    deps.log.push(record);
    let answer: RouteResponse;
    let reason: string | undefined;
    try {
      record.body = parseBody(await readBody(request), headers['content-type'] ?? '');
      const matched = matchRoute(deps.routes, record.method, record.path);
      if (!matched) throw notFound(`the fake GitHub has no route for ${record.method} ${record.path}`);
      record.route = `${matched.route.method} ${matched.route.pattern}`;
      answer = await matched.route.handler({
        ...deps,
        method: record.method,
        params: matched.params,
        query: url.searchParams,
        headers: request.headers,
        body: record.body,
        url,
      });
    } catch (error) {
      if (error instanceof GitHubError) {
        answer = {
          status: error.status,
          body: error.toBody(),
          ...(error.headers ? { headers: error.headers } : {}),
        };
        reason = error.reason;
      } else {
        const failure = error instanceof Error ? error : new Error(String(error));
        deps.serverErrors.push(failure);
        answer = { status: 500, body: { message: `fake GitHub failed: ${failure.message}` } };
      }
    }
    record.status = answer.status;
    send(response, answer, deps.state.nowMs(), reason);
  };
}
