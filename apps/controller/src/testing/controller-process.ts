import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { LeaderView } from '../routes/system.js';

const controllerRoot = join(import.meta.dirname, '..', '..');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** One controller replica run as a real OS process, for tests and benchmarks that kill it. */
export interface ControllerProcess {
  id: string;
  /** The port its API listens on (it picks a free one). */
  port: number;
  /** The port of its local edge, when started with `edge: true`. */
  edgePort: number | undefined;
  child: ChildProcess;
  /** Every line it has printed (pino JSON, and anything else). */
  lines: string[];
  /** Its view of leadership, or undefined when it does not answer within `timeoutMs`. */
  view(timeoutMs?: number): Promise<LeaderView | undefined>;
  /** Sends a signal (SIGKILL, SIGTERM, SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

/**
 * Starts `node --import tsx <entry>` — node itself, not the tsx CLI, so SIGKILL and SIGSTOP reach
 * the process that holds the lease — and waits until its API listens.
 */
export async function startControllerProcess(options: {
  id: string;
  env: Record<string, string>;
  /** Default: the controller's own main.ts. */
  entry?: string;
  timeoutMs?: number;
  /** Also run a local edge in the replica (SLIPWAY_EDGE_PORT), on a free port. */
  edge?: boolean;
}): Promise<ControllerProcess> {
  const entry = options.entry ?? join(controllerRoot, 'src', 'main.ts');
  const port = await freePort();
  const edgePort = options.edge ? await freePort() : undefined;
  const child = spawn(process.execPath, ['--import', tsxLoader, entry], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      SLIPWAY_API_PORT: String(port),
      SLIPWAY_CONTROLLER_ID: options.id,
      ...(edgePort === undefined ? {} : { SLIPWAY_EDGE_PORT: String(edgePort) }),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => lines.push(line));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Readiness by probing /healthz, so it does not depend on the log level.
  const deadline = performance.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `controller ${options.id} exited (${child.exitCode}) before listening:\n${lines.join('\n')}`,
      );
    }
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(500) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`controller ${options.id} did not listen on port ${port}:\n${lines.join('\n')}`);
    }
    await sleep(50);
  }
  return {
    id: options.id,
    port,
    edgePort,
    child,
    lines,
    exited,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    view: async (timeoutMs = 2000) => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/v1/leader`, {
          signal: AbortSignal.timeout(timeoutMs),
        });
        return response.ok ? ((await response.json()) as LeaderView) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
