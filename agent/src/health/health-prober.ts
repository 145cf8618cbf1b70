import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { checkHttp } from './check-http.js';
import type { CheckTarget } from './check-targets.js';
import {
  type CheckedState,
  type CheckResult,
  checkedState,
  DEFAULT_FAILURE_THRESHOLD,
  type HealthRecord,
  recordCheck,
  uncheckedHealth,
} from './health-rules.js';

/** How soon a container that has not passed yet is checked again. */
export const STARTUP_RETRY_MS = 200;

/** A reported state change of one allocation, caused by a health check. */
export interface HealthTransition {
  allocation: string;
  from: CheckedState;
  to: CheckedState;
}

/** The health of the container run being checked for an allocation. */
export interface HealthView {
  run: string;
  record: HealthRecord;
  state: CheckedState;
}

export interface HealthProberOptions {
  logger: Logger;
  /** Failed checks in a row that make a container that has passed `unhealthy`. Default 3. */
  failureThreshold?: number;
  /** Called after each check that changed an allocation's state (the agent heartbeats soon after). */
  onTransition?: (transition: HealthTransition) => void;
  /** One check; default: {@link checkHttp}. */
  check?: (options: { url: string; timeoutMs: number; signal: AbortSignal }) => Promise<CheckResult>;
  now?: () => number;
}

interface Loop {
  target: CheckTarget;
  key: string;
  record: HealthRecord;
  stop: AbortController;
  done: Promise<void>;
}

/**
 * Runs the HTTP health checks of a host's running allocations: one loop per allocation, checking at
 * once and then every `intervalMs` (every {@link STARTUP_RETRY_MS} until the first pass), so one allocation never has two checks in flight while different
 * allocations are checked concurrently. {@link track} says what runs now (after each observation);
 * loops of containers that are gone or no longer desired stop.
 *
 * @example
 * const prober = new HealthProber({ logger, onTransition: () => heartbeatSoon() });
 * prober.track(checkTargets({ desired, observed, publishAddress }));
 * prober.viewOf('a-1'); // { run, record: { status: 'passing', … }, state: 'running' }
 */
export class HealthProber {
  readonly #options: HealthProberOptions;
  readonly #threshold: number;
  readonly #loops = new Map<string, Loop>();
  #closed = false;

  constructor(options: HealthProberOptions) {
    this.#options = options;
    this.#threshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
  }

  /** Starts checking new targets, starts afresh those whose container run changed, stops the rest. */
  track(targets: readonly CheckTarget[]): void {
    if (this.#closed) return;
    const wanted = new Map(targets.map((target) => [target.allocation, target]));
    for (const [allocation, loop] of this.#loops)
      if (!wanted.has(allocation)) {
        loop.stop.abort();
        this.#loops.delete(allocation);
      }
    for (const target of targets) {
      const key = JSON.stringify(target);
      const current = this.#loops.get(target.allocation);
      if (current?.key === key) continue;
      current?.stop.abort();
      this.#loops.set(target.allocation, this.#start(target, key, current?.done));
    }
  }

  /** The health of `allocation`'s container run being checked, if any. */
  viewOf(allocation: string): HealthView | undefined {
    const loop = this.#loops.get(allocation);
    if (!loop) return undefined;
    return { run: loop.target.run, record: loop.record, state: checkedState(loop.record, this.#threshold) };
  }

  /** Stops every loop and waits for them. Safe to call more than once. */
  async close(): Promise<void> {
    this.#closed = true;
    const loops = [...this.#loops.values()];
    this.#loops.clear();
    for (const loop of loops) loop.stop.abort();
    await Promise.allSettled(loops.map((loop) => loop.done));
  }

  #start(target: CheckTarget, key: string, previous: Promise<void> | undefined): Loop {
    const loop: Loop = {
      target,
      key,
      record: uncheckedHealth(),
      stop: new AbortController(),
      done: Promise.resolve(),
    };
    // The replaced loop's check finishes (aborted) first: never two in flight for one allocation.
    loop.done = (previous ?? Promise.resolve()).then(() => this.#run(loop));
    return loop;
  }

  async #run(loop: Loop): Promise<void> {
    const { signal } = loop.stop;
    const { url, timeoutMs, intervalMs, allocation } = loop.target;
    const check = this.#options.check ?? checkHttp;
    const now = this.#options.now ?? Date.now;
    while (!signal.aborted) {
      let result: CheckResult;
      try {
        result = await check({ url, timeoutMs, signal });
      } catch (error) {
        result = { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      if (signal.aborted) return;
      const from = checkedState(loop.record, this.#threshold);
      loop.record = recordCheck(loop.record, result, new Date(now()).toISOString());
      const to = checkedState(loop.record, this.#threshold);
      if (from !== to) this.#transition({ allocation, from, to }, loop.record);
      // Until its first pass a container is only `starting` (failures never make it unhealthy), so
      // it is asked again soon: a rollout waits for that first pass, not for a whole interval.
      const wait = loop.record.passedOnce ? intervalMs : Math.min(intervalMs, STARTUP_RETRY_MS);
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        return; // stopped: the container is gone, replaced, or the agent is closing
      }
    }
  }

  #transition(transition: HealthTransition, record: HealthRecord): void {
    const { logger, onTransition } = this.#options;
    logger[transition.to === 'unhealthy' ? 'warn' : 'info'](
      { ...transition, consecutiveFailures: record.consecutiveFailures, lastError: record.lastError },
      `health check: ${transition.allocation} ${transition.from} → ${transition.to}`,
    );
    onTransition?.(transition);
  }
}
