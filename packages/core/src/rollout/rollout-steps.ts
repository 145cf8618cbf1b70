import type { RolloutStrategy } from './rollout-strategy.js';

export const ROLLOUT_ACTIONS = ['start', 'wait-healthy', 'stop'] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

/**
 * One step of a rollout. `start`/`stop` change how many replicas of `release` should run (by
 * `replicas`); `wait-healthy` holds until `replicas` of `release` pass their health check.
 */
export interface PlannedStep {
  action: RolloutAction;
  release: string;
  replicas: number;
}

/** Replicas per release: what should run of a service, possibly of several releases at once. */
export type Composition = Readonly<Record<string, number>>;

export interface RolloutPlanInput {
  /** What runs now (a rollout superseded half-way leaves two releases here, or more). */
  current: Composition;
  /** The release to move to. */
  target: string;
  /** How many replicas of `target` the service wants. */
  replicas: number;
  strategy: RolloutStrategy;
  /** Releases to stop first, in order (e.g. a superseded release before the stable one); the rest follow by name. */
  stopFirst?: readonly string[];
}

/**
 * The steps of a rolling move from `current` to `replicas` × `target`. Each round starts as many
 * new replicas as the surge allows (stopping at most `maxUnavailable` old ones first to make room),
 * waits until every replica of the target started so far is healthy, then stops old replicas
 * down to the target count. So at most `replicas + maxSurge` run, and — as long as new replicas
 * become healthy — at least `replicas − maxUnavailable` healthy ones serve throughout. A rollback
 * is the same plan with the previous release as the target. Pure.
 *
 * @example
 * planRolloutSteps({ current: { r1: 3 }, target: 'r2', replicas: 3, strategy: { maxSurge: 1, maxUnavailable: 0 } })
 * // start r2 1, wait-healthy r2 1, stop r1 1, start r2 1, wait-healthy r2 2, stop r1 1, start r2 1, wait-healthy r2 3, stop r1 1
 */
export function planRolloutSteps(input: RolloutPlanInput): PlannedStep[] {
  const { target, replicas: wanted, strategy } = input;
  if (strategy.maxSurge + strategy.maxUnavailable < 1)
    throw new RangeError('a rollout needs maxSurge + maxUnavailable ≥ 1 to move');
  const old = new Map(
    Object.entries(input.current).filter(([release, count]) => release !== target && count > 0),
  );
  const order = [
    ...(input.stopFirst ?? []).filter((release) => old.has(release)),
    ...[...old.keys()].filter((release) => !(input.stopFirst ?? []).includes(release)).sort(),
  ];
  const oldTotal = () => [...old.values()].reduce((sum, n) => sum + n, 0);
  const steps: PlannedStep[] = [];
  const stopOld = (count: number) => {
    let left = count;
    for (const release of order) {
      const running = old.get(release) ?? 0;
      const now = Math.min(running, left);
      if (now === 0) continue;
      steps.push({ action: 'stop', release, replicas: now });
      old.set(release, running - now);
      left -= now;
    }
  };

  let current = Math.max(0, input.current[target] ?? 0);
  if (current > wanted) {
    steps.push({ action: 'stop', release: target, replicas: current - wanted });
    current = wanted;
  }
  let waited = 0;
  while (current < wanted || oldTotal() > 0) {
    const room = Math.max(0, wanted + strategy.maxSurge - (oldTotal() + current));
    const add = Math.min(wanted - current, room + Math.min(strategy.maxUnavailable, oldTotal()));
    if (add > room) stopOld(add - room);
    if (add > 0) {
      steps.push({ action: 'start', release: target, replicas: add });
      current += add;
    }
    if (current > waited) {
      steps.push({ action: 'wait-healthy', release: target, replicas: current });
      waited = current;
    }
    const excess = oldTotal() + current - wanted;
    if (excess > 0) stopOld(excess);
    if (add === 0 && excess <= 0) break; // nothing can move (cannot happen with surge + unavailable ≥ 1)
  }
  if (current > waited && current > 0)
    steps.push({ action: 'wait-healthy', release: target, replicas: current });
  return steps;
}

/** What runs after `steps` took effect on `current` (starts add, stops remove; waits change nothing). */
export function applySteps(current: Composition, steps: readonly PlannedStep[]): Record<string, number> {
  const result: Record<string, number> = { ...current };
  for (const step of steps) {
    if (step.action === 'wait-healthy') continue;
    const change = step.action === 'start' ? step.replicas : -step.replicas;
    result[step.release] = (result[step.release] ?? 0) + change;
    if (result[step.release] === 0) delete result[step.release];
  }
  return result;
}
