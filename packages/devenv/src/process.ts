import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, openSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceNotReadyError } from './errors.js';

/** Finds an executable in the folders of `searchPath` (PATH syntax). */
export function findExecutable(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder; keep looking
    }
  }
  return undefined;
}

/**
 * Starts a long-lived daemon detached from this process (its own session, output to a log
 * file), so it outlives the test run or `npm start` that needed it and is reused next time.
 */
export function startDetached(options: {
  command: string;
  args: string[];
  logFile: string;
  cwd?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
}): void {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'a');
  const child = spawn(options.command, options.args, {
    detached: true,
    stdio: ['ignore', log, log],
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
  });
  child.unref();
}

/** Polls `probe` until it answers true, or throws ServiceNotReadyError after `timeoutMs`. */
export async function waitUntil(options: {
  component: string;
  probe: () => Promise<boolean>;
  timeoutMs: number;
  logFile?: string;
}): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (await options.probe()) return;
    if (Date.now() > deadline) {
      throw new ServiceNotReadyError(
        options.component,
        `no answer after ${options.timeoutMs} ms`,
        options.logFile,
      );
    }
    await sleep(delay);
  }
}

/** True when an HTTP GET of `url` answers at all (any status) within `timeoutMs`. */
export async function httpAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}
