import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ControllerMetrics } from '../metrics.js';

/**
 * Runs `run` until `signal` aborts or it returns; a failure is counted, logged and run again after
 * `restartDelayMs` — the loops are level-triggered, so a new run converges from whatever it finds.
 */
export async function keepRunning(
  name: string,
  run: () => Promise<void>,
  options: { signal: AbortSignal; logger: Logger; metrics: ControllerMetrics; restartDelayMs: number },
): Promise<void> {
  const { signal, logger, metrics, restartDelayMs } = options;
  while (!signal.aborted) {
    try {
      await run();
      return; // done for this term
    } catch (error) {
      if (signal.aborted) break;
      metrics.loopFailures.inc({ loop: name, error: error instanceof Error ? error.name : 'unknown' });
      logger.error({ err: error }, `loop ${name} failed; running it again in ${restartDelayMs} ms`);
      await sleep(restartDelayMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
