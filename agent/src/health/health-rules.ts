import type { AllocationHealth } from '@slipway/core';

/** The states a running container of a desired allocation can be reported in. */
export type CheckedState = 'starting' | 'running' | 'unhealthy';

/** The outcome of one health check. */
export type CheckResult = { ok: true } | { ok: false; error: string };

/** What the agent knows of one container run's health checks. */
export interface HealthRecord extends AllocationHealth {
  /** A check has passed since the container started; before that, failures never make it unhealthy. */
  passedOnce: boolean;
}

export const DEFAULT_FAILURE_THRESHOLD = 3;

/** Before the first check of a container run. */
export function uncheckedHealth(): HealthRecord {
  return { status: 'unknown', consecutiveFailures: 0, lastCheckAt: null, lastError: null, passedOnce: false };
}

/**
 * The record after one more check at `at`. Pure.
 *
 * @example recordCheck(uncheckedHealth(), { ok: true }, at) // { status: 'passing', passedOnce: true, … }
 */
export function recordCheck(record: HealthRecord, result: CheckResult, at: string): HealthRecord {
  if (result.ok)
    return { status: 'passing', consecutiveFailures: 0, lastCheckAt: at, lastError: null, passedOnce: true };
  return {
    status: 'failing',
    consecutiveFailures: record.consecutiveFailures + 1,
    lastCheckAt: at,
    lastError: result.error,
    passedOnce: record.passedOnce,
  };
}

/**
 * The state a running container is reported in. Never passed → `starting` however often it failed
 * (the rollout's deadline judges a container that never comes up); passed → `running` until
 * `failureThreshold` checks in a row fail → `unhealthy`; one pass → `running` again. Pure.
 */
export function checkedState(
  record: HealthRecord,
  failureThreshold: number = DEFAULT_FAILURE_THRESHOLD,
): CheckedState {
  if (!record.passedOnce) return 'starting';
  return record.consecutiveFailures >= failureThreshold ? 'unhealthy' : 'running';
}

/** The record as the heartbeat carries it (core's `AllocationHealth`). */
export function reportedHealth(record: HealthRecord): AllocationHealth {
  const { status, consecutiveFailures, lastCheckAt, lastError } = record;
  return { status, consecutiveFailures, lastCheckAt, lastError };
}
