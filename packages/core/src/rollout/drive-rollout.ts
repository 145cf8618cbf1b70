import type { Rollout, RolloutStep } from '../domain/rollout.js';
import type { Service } from '../domain/service.js';
import { canonicalJson } from '../scheduling/stable-hash.js';
import {
  advanceRollout,
  compositionOf,
  type RecordedStep,
  type ReleaseHealth,
  type RolloutProgress,
  startRollout,
} from './advance-rollout.js';
import type { Composition } from './rollout-steps.js';
import { rolloutStrategy } from './rollout-strategy.js';

export interface DriveRolloutInput {
  /** The service as stored: `release` is where it should go, `replicas` how many. */
  service: Service;
  /** The service's most recent rollout, if any. */
  latest: Rollout | undefined;
  /** What its allocations run now, per release (draining ones not counted). */
  running: Composition;
  health: Readonly<Record<string, ReleaseHealth>>;
  nowMs: number;
  /** How long one health gate may wait. */
  progressDeadlineMs: number;
  /** The id of a rollout begun now (the caller makes ids that sort by time). */
  newRolloutId: () => string;
}

export interface DriveRolloutResult {
  /** What should run now, per release. */
  composition: Composition;
  /** Rollouts to write: the one moved or begun, and one it cancelled (first). Unchanged ones are left out. */
  writes: Rollout[];
}

const ACTIVE = new Set<Rollout['status']>(['running', 'rolling-back']);

/**
 * Decides, for one service, which rollout runs and what its allocations should be now: a new
 * current release begins a rollout (cancelling one still moving towards another release, which
 * it then stops first), and so does scaling a service whose rollout is still moving; a rollout in progress is advanced by the health reports; once finished,
 * the service runs `replicas` of the release that won — the new one, or after a rollback the
 * previous one. Pure.
 */
export function driveRollout(input: DriveRolloutInput): DriveRolloutResult {
  const { service, latest, nowMs } = input;
  const target = service.release;
  if (target === null) return { composition: {}, writes: [] };
  const strategy = rolloutStrategy(service.replicas);
  const at = new Date(nowMs).toISOString();

  const rescaled = latest !== undefined && ACTIVE.has(latest.status) && latest.replicas !== service.replicas;
  if (latest && latest.toRelease === target && latest.status !== 'cancelled' && !rescaled) {
    if (!ACTIVE.has(latest.status))
      return { composition: { [settledRelease(latest)]: service.replicas }, writes: [] };
    const progress = advanceRollout({
      progress: toProgress(latest),
      health: input.health,
      nowMs,
      progressDeadlineMs: input.progressDeadlineMs,
      strategy,
    });
    const next = fromProgress(latest, progress, at);
    return { composition: compositionOf(progress), writes: sameRollout(latest, next) ? [] : [next] };
  }

  const writes: Rollout[] = [];
  let fromRelease: string | null = null;
  const stopFirst: string[] = [];
  if (latest) {
    if (ACTIVE.has(latest.status)) {
      const reason =
        latest.toRelease === target
          ? `the service was scaled to ${service.replicas} replicas; a new rollout continues from here`
          : `superseded by release ${target}`;
      writes.push({ ...latest, status: 'cancelled', reason, finishedAt: at });
      fromRelease = latest.fromRelease;
      if (latest.toRelease !== target) stopFirst.push(latest.toRelease);
    } else {
      fromRelease = settledRelease(latest);
    }
  }
  // No history (or none that says): what runs most is what a failure goes back to.
  fromRelease ??= mostRunning(input.running, target);
  const started = startRollout({
    current: input.running,
    toRelease: target,
    fromRelease,
    replicas: service.replicas,
    strategy,
    stopFirst,
  });
  const progress = advanceRollout({
    progress: started,
    health: input.health,
    nowMs,
    progressDeadlineMs: input.progressDeadlineMs,
    strategy,
  });
  const created: Rollout = fromProgress(
    {
      id: input.newRolloutId(),
      tenant: service.tenant,
      service: service.name,
      environment: service.environment,
      createdAt: at,
      finishedAt: null,
    },
    progress,
    at,
  );
  writes.push(created);
  return { composition: compositionOf(progress), writes };
}

function mostRunning(running: Composition, except: string): string | null {
  const candidates = Object.entries(running).filter(([release, count]) => release !== except && count > 0);
  candidates.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  return candidates[0]?.[0] ?? null;
}

/** The release a finished rollout left serving. */
function settledRelease(rollout: Rollout): string {
  return rollout.status === 'failed' && rollout.fromRelease !== null
    ? rollout.fromRelease
    : rollout.toRelease;
}

function toProgress(rollout: Rollout): RolloutProgress {
  return {
    toRelease: rollout.toRelease,
    fromRelease: rollout.fromRelease,
    replicas: rollout.replicas,
    baseline: rollout.baseline,
    status: rollout.status,
    reason: rollout.reason,
    steps: rollout.steps.map(({ startedAt, ...step }) => ({
      ...step,
      startedAtMs: startedAt === null ? null : Date.parse(startedAt),
    })),
  };
}

function fromProgress(
  identity: Pick<Rollout, 'id' | 'tenant' | 'service' | 'environment' | 'createdAt' | 'finishedAt'>,
  progress: RolloutProgress,
  at: string,
): Rollout {
  const finished = progress.status === 'succeeded' || progress.status === 'failed';
  return {
    id: identity.id,
    tenant: identity.tenant,
    service: identity.service,
    environment: identity.environment,
    fromRelease: progress.fromRelease,
    toRelease: progress.toRelease,
    replicas: progress.replicas,
    baseline: { ...progress.baseline },
    steps: progress.steps.map(recordedStep),
    status: progress.status,
    reason: progress.reason,
    createdAt: identity.createdAt,
    finishedAt: identity.finishedAt ?? (finished ? at : null),
  };
}

function recordedStep({ startedAtMs, ...step }: RecordedStep): RolloutStep {
  return { ...step, startedAt: startedAtMs === null ? null : new Date(startedAtMs).toISOString() };
}

function sameRollout(a: Rollout, b: Rollout): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
