import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxyServer } from 'http-proxy-3';
import { BackendPicker } from './backend-picker.js';
import type { Edge, EdgeUpdateReport } from './edge.js';
import { EdgeError } from './edge-error.js';
import type { EdgeLogger } from './edge-logger.js';
import { type EdgeResponse, noBackend, notFound } from './edge-responses.js';
import { type EdgeRoute, parseEdgeRoutes, routeKey } from './edge-route.js';
import { type EdgeStats, emptyStats } from './edge-stats.js';
import { type Exchange, startExchange } from './exchange.js';
import { dropHopByHopHeaders, setForwardedHeaders } from './forwarded-headers.js';
import { buildRoutingTable, type HostnameConflict, hostnameOf, type RoutingTable } from './routing-table.js';

export interface LocalEdgeOptions {
  /** Port to listen on; 0 picks a free one (read it back from `edge.port`). */
  port: number;
  /** Address to listen on. Default `127.0.0.1`: `*.localhost` names resolve to loopback. */
  host?: string;
  logger: EdgeLogger;
  /** Attempts per request across backends, the first included. Default 3. */
  maxAttempts?: number;
  /** A backend connection idle this long is abandoned (504 if nothing was sent yet). Default 60 000. */
  backendTimeoutMs?: number;
  /** A backend connection not made within this is given up and the request tried on another backend. Default 3000. */
  connectTimeoutMs?: number;
  /** How long `close()` lets in-flight requests finish before cutting them. Default 10 000. */
  drainTimeoutMs?: number;
}

export interface LocalEdge extends Edge {
  /** The port it listens on. */
  readonly port: number;
  /** Counters since start. */
  stats(): EdgeStats;
}

const TIMEOUT_CODE = 'EDGE_BACKEND_TIMEOUT';

function conflictKey(conflict: HostnameConflict): string {
  return `${conflict.hostname} ${routeKey(conflict.dropped)}`;
}

function send(res: ServerResponse, response: EdgeResponse): void {
  res.writeHead(response.status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(response.text),
  });
  res.end(response.text);
}

/** An HTTP error answered on a raw upgrade socket, which has no ServerResponse. */
function sendOnSocket(socket: Socket, response: EdgeResponse, reason: string): void {
  socket.end(
    `HTTP/1.1 ${response.status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(response.text)}\r\nconnection: close\r\n\r\n${response.text}`,
  );
}

/**
 * Starts local mode's edge: one HTTP reverse proxy routing by Host header to the backends of
 * the routing table last handed to `update()` (empty until then: every host is a 404).
 *
 * @example
 * const edge = await startLocalEdge({ port: 8080, logger });
 * await edge.update(routes);   // http://web.acme.localhost:8080 now answers
 * await edge.close();
 */
export async function startLocalEdge(options: LocalEdgeOptions): Promise<LocalEdge> {
  const { logger } = options;
  const maxAttempts = options.maxAttempts ?? 3;
  const backendTimeoutMs = options.backendTimeoutMs ?? 60_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 3000;
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;

  let table: RoutingTable = buildRoutingTable([]);
  const picker = new BackendPicker();
  const counters = emptyStats();
  // Keep-alive to backends: a fresh TCP connection per request would cost more than the proxying.
  const agent = new Agent({ keepAlive: true, timeout: 30_000 });
  const proxy = createProxyServer({ agent, xfwd: false, ws: true });
  const exchanges = new WeakMap<IncomingMessage, Exchange>();
  const upgradedSockets = new Set<Socket>();
  let closing = false;
  let closed: Promise<void> | undefined;
  let drained: (() => void) | undefined;
  let port = 0;
  let reportedConflicts = new Set<string>();

  proxy.on('proxyReq', (proxyReq) => {
    proxyReq.setTimeout(backendTimeoutMs, () => {
      proxyReq.destroy(
        Object.assign(new Error(`backend idle for ${backendTimeoutMs} ms`), { code: TIMEOUT_CODE }),
      );
    });
    // A connection not made in time never reached the backend (a SYN lost while the engine
    // rewires ports, a host gone): like a refused one, it is safe to try on another backend.
    proxyReq.once('socket', (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => {
        proxyReq.destroy(
          Object.assign(new Error(`no connection to the backend within ${connectTimeoutMs} ms`), {
            code: 'EDGE_CONNECT_TIMEOUT',
          }),
        );
      }, connectTimeoutMs);
      socket.once('connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
  });
  proxy.on('proxyRes', (proxyRes, req) => {
    const status = proxyRes.statusCode ?? 0;
    if (status >= 500) counters.backend5xx += 1;
    // A backend that dies mid-response: the client's response is cut (never retried: it has bytes).
    proxyRes.on('error', (error) => exchanges.get(req)?.responseCut(error));
    proxyRes.on('aborted', () => exchanges.get(req)?.responseCut(new Error('backend aborted the response')));
  });
  // The client went away while its request was proxied: nothing left to answer.
  proxy.on('econnreset', () => {});

  const server = createServer((req, res) => {
    counters.requests += 1;
    counters.inFlight += 1;
    res.once('close', () => {
      counters.inFlight -= 1;
      if (counters.inFlight === 0) drained?.();
    });
    // While closing, finish this request but do not keep its connection open for another.
    if (closing) res.setHeader('connection', 'close');
    const hostname = hostnameOf(req.headers.host);
    const route = table.lookup(hostname);
    if (route === undefined) {
      counters.notFound += 1;
      send(res, notFound(hostname, port));
      return;
    }
    if (route.backends.length === 0) {
      counters.failures.no_backend += 1;
      send(res, noBackend(route));
      return;
    }
    dropHopByHopHeaders(req);
    setForwardedHeaders(req);
    const exchange = startExchange({
      req,
      res,
      route,
      maxAttempts,
      proxy,
      stats: counters,
      logger,
      // Retries consult the table in force now, so a backend removed mid-request is not retried onto.
      currentRoute: () => {
        const now = table.lookup(hostname);
        return now !== undefined && routeKey(now) === routeKey(route) ? now : route;
      },
      pick: (candidate, tried) => picker.next(candidate, tried),
      send: (response) => send(res, response),
    });
    exchanges.set(req, exchange);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    counters.requests += 1;
    socket.on('error', () => socket.destroy());
    const hostname = hostnameOf(req.headers.host);
    const route = table.lookup(hostname);
    if (route === undefined) {
      counters.notFound += 1;
      sendOnSocket(socket, notFound(hostname, port), 'Not Found');
      return;
    }
    // The proxy library passes WebSocket upgrades only; say so rather than drop the socket.
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
      sendOnSocket(socket, { status: 400, text: 'Only WebSocket upgrades pass the edge.\n' }, 'Bad Request');
      return;
    }
    const backend = picker.next(route);
    if (backend === undefined) {
      counters.failures.no_backend += 1;
      sendOnSocket(socket, noBackend(route), 'Service Unavailable');
      return;
    }
    counters.upgrades += 1;
    upgradedSockets.add(socket);
    socket.once('close', () => upgradedSockets.delete(socket));
    setForwardedHeaders(req);
    proxy.ws(req, socket, head, { target: backend.address }, (error) => {
      // Upgrades are not retried: the backend may already have switched protocols.
      logger.warn(
        { tenant: route.tenant, service: route.service, allocation: backend.id, err: error.message },
        'edge: upgrade to backend failed',
      );
      socket.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'edge: listening');

  const drain = () =>
    new Promise<void>((resolve) => {
      if (counters.inFlight === 0) return resolve();
      const timer = setTimeout(resolve, drainTimeoutMs);
      drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  return {
    port,
    stats: () => structuredClone(counters),
    async update(routes: readonly EdgeRoute[]): Promise<EdgeUpdateReport> {
      if (closing) throw new EdgeError('EDGE_CLOSED', 'the edge is closed; start a new one to route again.');
      const next = buildRoutingTable(parseEdgeRoutes(routes));
      // One assignment: a request reads `table` once when it arrives, so it sees the old table or the new, never a mix.
      table = next;
      picker.retain(routes);
      // The controller hands the same table over and over (level-triggered): warn once per clash, not per update.
      const known = reportedConflicts;
      reportedConflicts = new Set(next.conflicts.map(conflictKey));
      for (const conflict of next.conflicts.filter((c) => !known.has(conflictKey(c)))) {
        logger.warn(
          {
            tenant: conflict.dropped.tenant,
            service: conflict.dropped.service,
            hostname: conflict.hostname,
            keptBy: conflict.kept,
          },
          'edge: hostname already claimed by another route; this route does not get it',
        );
      }
      logger.debug({ routes: routes.length, hostnames: next.size }, 'edge: routing table replaced');
      return { routes: routes.length, hostnames: next.size, conflicts: [...next.conflicts] };
    },
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await drain();
        // Past the drain timeout (or after it), whatever is left is cut.
        server.closeAllConnections();
        for (const socket of upgradedSockets) socket.destroy();
        await stopped;
        agent.destroy();
        logger.info({ port }, 'edge: closed');
      })();
      return closed;
    },
  };
}
