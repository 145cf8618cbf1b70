import { applySteps, type Composition, type PlannedStep, planRolloutSteps } from './rollout-steps.js';
import type { RolloutStrategy } from './rollout-strategy.js';

export type StepStatus = 'pending' | 'running' | 'done' | 'failed';
export type RolloutPhase = 'deploy' | 'rollback';
export type RolloutStatus = 'running' | 'rolling-back' | 'succeeded' | 'failed' | 'cancelled';

/** A planned step as recorded: its phase, its status and when it began (ms since the epoch). */
export interface RecordedStep extends PlannedStep {
  phase: RolloutPhase;
  status: StepStatus;
  startedAtMs: number | null;
}

/** The part of a Rollout the engine moves forward; everything else is identity and history. */
export interface RolloutProgress {
  /** The release being rolled out. */
  toRelease: string;
  /** The release that served before, which a failure rolls back to; null for a first deploy. */
  fromRelease: string | null;
  replicas: number;
  /** What ran when the rollout began. */
  baseline: Composition;
  steps: RecordedStep[];
  status: RolloutStatus;
  /** Why it failed or was rolled back, in words for the user. */
  reason: string | null;
}

/** What the agents report of one release's allocations of the service. */
export interface ReleaseHealth {
  /** Allocations running and passing their health check. */
  healthy: number;
  /** Allocations that failed for good enough to give up: unhealthy, exited, image not pulled — with why. */
  failures: string[];
}

export interface AdvanceInput {
  progress: RolloutProgress;
  /** Per release; a release without an entry has nothing healthy and no failures. */
  health: Readonly<Record<string, ReleaseHealth>>;
  nowMs: number;
  /** How long one wait-healthy step may take before the rollout gives up. */
  progressDeadlineMs: number;
  strategy: RolloutStrategy;
}

const TERMINAL: ReadonlySet<RolloutStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** The steps of a new rollout of `toRelease`, recorded as pending. */
export function startRollout(input: {
  current: Composition;
  toRelease: string;
  fromRelease: string | null;
  replicas: number;
  strategy: RolloutStrategy;
  /** Releases to stop first (a superseded rollout's target before the stable release). */
  stopFirst?: readonly string[];
}): RolloutProgress {
  const planned = planRolloutSteps({
    current: input.current,
    target: input.toRelease,
    replicas: input.replicas,
    strategy: input.strategy,
    ...(input.stopFirst ? { stopFirst: input.stopFirst } : {}),
  });
  return {
    toRelease: input.toRelease,
    fromRelease: input.fromRelease,
    replicas: input.replicas,
    baseline: { ...input.current },
    steps: planned.map((step) => ({ ...step, phase: 'deploy', status: 'pending', startedAtMs: null })),
    status: 'running',
    reason: null,
  };
}

/** What should run now: the baseline changed by every step that has begun. */
export function compositionOf(progress: RolloutProgress): Record<string, number> {
  return applySteps(
    progress.baseline,
    progress.steps.filter((step) => step.status !== 'pending'),
  );
}

/**
 * Moves a rollout as far as the health reports allow, and returns its new progress (the input is
 * not changed). Starts and stops take effect at once; a wait-healthy step holds until enough of its
 * release are healthy. A failure of the release a wait step waits for, or the step outliving
 * `progressDeadlineMs`, fails it: a deploy then rolls back (the same kind of plan, back to
 * `fromRelease`, appended as rollback steps); a first deploy, or a failing rollback, ends `failed`
 * where it stands. Pure and idempotent: advancing a finished rollout returns it unchanged.
 *
 * @example
 * let progress = startRollout({ current: { r1: 3 }, toRelease: 'r2', fromRelease: 'r1', replicas: 3, strategy });
 * progress = advanceRollout({ progress, health: {}, nowMs, progressDeadlineMs: 60_000, strategy });
 * compositionOf(progress) // { r1: 3, r2: 1 } — one new replica started, waiting for it to be healthy
 */
export function advanceRollout(input: AdvanceInput): RolloutProgress {
  const { nowMs } = input;
  if (TERMINAL.has(input.progress.status)) return input.progress;
  const progress: RolloutProgress = {
    ...input.progress,
    steps: input.progress.steps.map((step) => ({ ...step })),
  };
  for (const step of progress.steps) {
    if (step.status === 'done' || step.status === 'failed') continue;
    // Once rolling back, what was left of the deploy never runs.
    if (progress.status === 'rolling-back' && step.phase === 'deploy') continue;
    step.startedAtMs ??= nowMs;
    step.status = 'running';
    if (step.action !== 'wait-healthy') {
      step.status = 'done';
      continue;
    }
    const health = input.health[step.release] ?? { healthy: 0, failures: [] };
    if (health.healthy >= step.replicas) {
      step.status = 'done';
      continue;
    }
    const overdue = nowMs - step.startedAtMs > input.progressDeadlineMs;
    if (health.failures.length === 0 && !overdue) return progress; // wait for more reports
    step.status = 'failed';
    const why =
      health.failures[0] ??
      `only ${health.healthy} of ${step.replicas} replicas of ${step.release} became healthy within ${Math.round(input.progressDeadlineMs / 1000)} s`;
    return fail(progress, why, input);
  }
  progress.status = progress.status === 'rolling-back' ? 'failed' : 'succeeded';
  return progress;
}

function fail(progress: RolloutProgress, why: string, input: AdvanceInput): RolloutProgress {
  if (progress.status === 'rolling-back' || progress.fromRelease === null) {
    return {
      ...progress,
      status: 'failed',
      reason:
        progress.status === 'rolling-back' ? `${progress.reason}; the rollback failed too: ${why}` : why,
    };
  }
  const current = compositionOf(progress);
  const rollback = planRolloutSteps({
    current,
    target: progress.fromRelease,
    replicas: progress.replicas,
    strategy: input.strategy,
    stopFirst: [progress.toRelease],
  });
  return {
    ...progress,
    status: 'rolling-back',
    reason: why,
    steps: [
      ...progress.steps,
      ...rollback.map((step) => ({
        ...step,
        phase: 'rollback' as const,
        status: 'pending' as const,
        startedAtMs: null,
      })),
    ],
  };
}
