import {
  type Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EdgeLogger } from '../edge/edge-logger.js';
import type { EdgeRoute } from '../edge/edge-route.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** Keeps every log line so tests can assert what the edge reported. */
export class RecordingLogger implements EdgeLogger {
  readonly lines: LogLine[] = [];
  debug(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'debug', fields, message });
  }
  info(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'info', fields, message });
  }
  warn(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'warn', fields, message });
  }
  error(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'error', fields, message });
  }
}

/** A real HTTP server standing in for one allocation. */
export interface TestBackend {
  id: string;
  address: string;
  /** Requests it received, in order. */
  readonly received: IncomingMessage[];
  server: Server;
  close(): Promise<void>;
}

export type BackendHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** By default answers 200 with its id as the body. */
export async function startBackend(id: string, handler?: BackendHandler): Promise<TestBackend> {
  const received: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    received.push(req);
    if (handler) return handler(req, res);
    req.resume();
    req.on('end', () => res.end(id));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    id,
    address: `http://127.0.0.1:${port}`,
    received,
    server,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}

/** An address nothing listens on: a server bound to an ephemeral port, then closed. */
export async function refusingAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export function route(
  tenant: string,
  service: string,
  backends: { id: string; address: string }[],
  extra: Partial<EdgeRoute> = {},
): EdgeRoute {
  return {
    tenant,
    service,
    environment: 'production',
    hostnames: [`${service}.${tenant}.localhost`],
    backends: backends.map(({ id, address }) => ({ id, address })),
    ...extra,
  };
}

export interface Answer {
  status: number;
  body: string;
  headers: IncomingMessage['headers'];
}

/** One request to the edge on 127.0.0.1:`port` with the given Host header. */
export function send(
  port: number,
  host: string,
  options: {
    method?: string;
    path?: string;
    body?: string;
    agent?: Agent;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: { host, ...options.headers },
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
