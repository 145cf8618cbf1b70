import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` every `everyMs` until it returns true; returns the elapsed ms, or throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean,
  options: { timeoutMs: number; everyMs?: number },
): Promise<number> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > options.timeoutMs) {
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}`);
    }
    await sleep(options.everyMs ?? 5);
  }
  return performance.now() - start;
}

/** Collects 'unhandledRejection' events while a test runs; call `dispose()` in a finally block. */
export function trackUnhandledRejections(): { reasons: unknown[]; dispose(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, dispose: () => process.off('unhandledRejection', listener) };
}
