import type { IncomingHttpHeaders } from 'node:http';
import type { CodeloadLinks } from './codeload-links.js';
import type { FakeGitHubState } from './fake-state.js';
import type { InstallationTokens } from './installation-tokens.js';
import type { UserTokens } from './user-tokens.js';

/** The app this fake pretends to be. */
export interface FakeApp {
  id: number;
  slug: string;
  name: string;
  publicKey: string;
}

/** What a route handler gets. */
export interface RouteContext {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Absolute URL of this request as the client addressed it. */
  url: URL;
  state: FakeGitHubState;
  tokens: InstallationTokens;
  userTokens: UserTokens;
  app: FakeApp;
  urls: FakeUrls;
  codeload: CodeloadLinks;
}

/** What the JSON shapes need: where the fake lives, which app it is, and the state. */
export type ShapeContext = Pick<RouteContext, 'urls' | 'app' | 'state'>;

/** Where the fake lives, for the `url`/`html_url` fields of its answers. */
export interface FakeUrls {
  /** e.g. http://127.0.0.1:1234 */
  origin: string;
  /** e.g. http://127.0.0.1:1234/api/v3 */
  api: string;
}

export interface RouteResponse {
  status: number;
  /** Serialized as JSON unless it is a Buffer. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  pattern: string;
  matcher: RegExp;
  paramNames: string[];
  handler: (context: RouteContext) => RouteResponse | Promise<RouteResponse>;
}

/**
 * Declare a route. `:name` matches one path segment; a trailing `*name` matches the rest
 * (file paths, refs with slashes). Parameters arrive URL-decoded.
 */
export function route(method: string, pattern: string, handler: Route['handler']): Route {
  const paramNames: string[] = [];
  const source = pattern
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        paramNames.push(segment.slice(1));
        return '([^/]+)';
      }
      if (segment.startsWith('*')) {
        paramNames.push(segment.slice(1));
        return '(.*)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { method, pattern, matcher: new RegExp(`^${source}/?$`), paramNames, handler };
}

/** The route for this method and path, with its decoded parameters. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.matcher.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    candidate.paramNames.forEach((name, index) => {
      params[name] = decodeURIComponent(match[index + 1] ?? '');
    });
    return { route: candidate, params };
  }
  return undefined;
}

/** JSON answer helper. */
export function json(status: number, body: unknown, headers?: Record<string, string>): RouteResponse {
  return { status, body, ...(headers ? { headers } : {}) };
}
