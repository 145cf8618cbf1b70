import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until `accept` holds for its value; returns the value and how long it took, or
 * throws after `timeoutMs` with the last value seen (so a failure says what the system did).
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  options: { timeoutMs?: number; everyMs?: number } = {},
): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  let last: T | undefined;
  let failure: unknown;
  for (;;) {
    try {
      last = await probe();
      failure = undefined;
      if (accept(last)) return { value: last, elapsedMs: performance.now() - started };
    } catch (error) {
      failure = error; // e.g. a replica that just died: keep polling
    }
    if (performance.now() - started > timeoutMs) {
      const seen = failure === undefined ? JSON.stringify(last) : String(failure);
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen?.slice(0, 2000)}`,
      );
    }
    await sleep(options.everyMs ?? 100);
  }
}
