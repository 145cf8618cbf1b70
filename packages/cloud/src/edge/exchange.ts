import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyServer } from 'http-proxy-3';
import type { EdgeLogger } from './edge-logger.js';
import { backendTimeout, backendUnreachable, type EdgeResponse } from './edge-responses.js';
import type { EdgeBackend, EdgeRoute } from './edge-route.js';
import type { EdgeStats } from './edge-stats.js';
import { classifyBackendError, mayRetry } from './retry-policy.js';

export interface ExchangeOptions {
  req: IncomingMessage;
  res: ServerResponse;
  /** The route the request matched when it arrived. */
  route: EdgeRoute;
  maxAttempts: number;
  proxy: ProxyServer;
  stats: EdgeStats;
  logger: EdgeLogger;
  /** The route as the table has it now (for retries). */
  currentRoute(): EdgeRoute;
  pick(route: EdgeRoute, tried: ReadonlySet<string>): EdgeBackend | undefined;
  send(response: EdgeResponse): void;
}

/** One client request and its attempts across backends. */
export interface Exchange {
  /** The backend broke off after the response had started. */
  responseCut(error: Error): void;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Proxies one request to a backend of its route, and on a failure that `mayRetry` allows, to
 * the next untried backend — up to `maxAttempts`; then answers 502 (504 on a timeout).
 */
export function startExchange(options: ExchangeOptions): Exchange {
  const { req, res, route, proxy, stats, logger } = options;
  const tried = new Set<string>();
  const requestHasBody = hasBody(req);
  let attempt = 0;
  let cut = false;

  const fields = (backend: EdgeBackend, error: unknown) => ({
    tenant: route.tenant,
    service: route.service,
    environment: route.environment,
    allocation: backend.id,
    attempt,
    err: (error as { code?: string }).code ?? (error as Error).message,
  });

  const failed = (which: number, backend: EdgeBackend, error: Error) => {
    // A listener left by an earlier attempt (the library registers per attempt): not ours to act on.
    if (which !== attempt || cut) return;
    // The client is gone: nobody to retry for or answer.
    if (res.destroyed || res.writableEnded) return;
    const failure = classifyBackendError(error);
    if (res.headersSent) {
      responseCut(error);
      return;
    }
    if (
      attempt < options.maxAttempts &&
      mayRetry({ method: req.method ?? 'GET', failure, requestHasBody, responseStarted: false })
    ) {
      const next = options.pick(options.currentRoute(), tried);
      if (next !== undefined) {
        stats.retries += 1;
        logger.debug(fields(backend, error), 'edge: backend failed before answering; retrying on another');
        forward(next);
        return;
      }
    }
    logger.warn(fields(backend, error), 'edge: backend failed before answering');
    if (failure === 'timeout') {
      stats.failures.backend_timeout += 1;
      options.send(backendTimeout(route));
    } else {
      stats.failures.backend_unreachable += 1;
      options.send(backendUnreachable(route, tried.size));
    }
  };

  const responseCut = (error: Error) => {
    if (cut || res.writableFinished) return;
    cut = true;
    stats.failures.backend_aborted += 1;
    logger.warn(
      { tenant: route.tenant, service: route.service, environment: route.environment, err: error.message },
      'edge: backend broke off a response already under way; the client gets it cut',
    );
    res.destroy(error);
  };

  const forward = (backend: EdgeBackend) => {
    attempt += 1;
    const which = attempt;
    tried.add(backend.address);
    proxy.web(req, res, { target: backend.address }, (error) => failed(which, backend, error));
  };

  const first = options.pick(route, tried);
  if (first === undefined) options.send(backendUnreachable(route, 0));
  else forward(first);
  return { responseCut };
}
