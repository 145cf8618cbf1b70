import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const agentMain = join(import.meta.dirname, '..', '..', '..', 'agent', 'src', 'main.ts');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** One host agent run as a real OS process (`node --import tsx agent/src/main.ts`), so a test can kill it. */
export interface AgentProcess {
  readonly host: string;
  readonly child: ChildProcess;
  /** Every line it printed (pino JSON). */
  readonly lines: string[];
  readonly exited: Promise<number | null>;
  /** SIGTERM (stops cleanly, containers keep running) or SIGKILL (dies at once); resolves when it exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export interface AgentProcessOptions {
  apiUrl: string;
  tenant: string;
  host: string;
  /** Its identity and host token are kept here: start again with the same folder to restart the same host. */
  stateDir: string;
  /** Needed for the first start only. */
  joinToken?: string;
  zone?: string;
  cpuMillicores?: number;
  memoryMiB?: number;
}

/** Starts the agent binary with its documented variables, as an operator would on a host. */
export function startAgentProcess(options: AgentProcessOptions): AgentProcess {
  const child = spawn(process.execPath, ['--import', tsxLoader, agentMain], {
    env: {
      PATH: process.env.PATH ?? '',
      SLIPWAY_API_URL: options.apiUrl,
      SLIPWAY_TENANT: options.tenant,
      SLIPWAY_HOST_ID: options.host,
      SLIPWAY_AGENT_DIR: options.stateDir,
      SLIPWAY_HOST_ZONE: options.zone ?? 'local',
      SLIPWAY_HOST_CPU_MILLICORES: String(options.cpuMillicores ?? 4000),
      SLIPWAY_HOST_MEMORY_MIB: String(options.memoryMiB ?? 4096),
      LOG_LEVEL: 'debug',
      ...(options.joinToken ? { SLIPWAY_JOIN_TOKEN: options.joinToken } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => lines.push(line));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    host: options.host,
    child,
    lines,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
