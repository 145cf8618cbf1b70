import { LeaseError } from './lease-error.js';

/**
 * Runs `call` with a signal that aborts after `timeoutMs`, and settles by then even if the callee
 * ignores the signal: a lease holder must learn "unknown" before its own deadline, not after.
 * A late answer is dropped (already handled by the race, so it never becomes an unhandled rejection).
 */
export async function withDeadline<T>(
  what: string,
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        const error = new LeaseError(
          'LEASE_TIMEOUT',
          `${what} did not answer within ${Math.round(timeoutMs)} ms`,
        );
        controller.abort(error);
        reject(error);
      },
      Math.max(0, timeoutMs),
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(() => call(controller.signal)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
