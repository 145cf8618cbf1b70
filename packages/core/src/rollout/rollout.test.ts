import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { advanceRollout, compositionOf, type ReleaseHealth, startRollout } from './advance-rollout.js';
import { type PlannedStep, planRolloutSteps } from './rollout-steps.js';
import { rolloutStrategy } from './rollout-strategy.js';

const text = (steps: readonly PlannedStep[]) => steps.map((s) => `${s.action} ${s.release} ${s.replicas}`);
const oneSurge = { maxSurge: 1, maxUnavailable: 0 };

describe('rolloutStrategy', () => {
  it.each([
    [3, {}, { maxSurge: 1, maxUnavailable: 0 }],
    [10, {}, { maxSurge: 3, maxUnavailable: 0 }],
    [1, { maxSurgePercent: 0 }, { maxSurge: 1, maxUnavailable: 0 }],
    [10, { maxSurgePercent: 0, maxUnavailablePercent: 20 }, { maxSurge: 0, maxUnavailable: 2 }],
  ])('%i replicas with %j → %j', (replicas, percents, expected) => {
    expect(rolloutStrategy(replicas, percents)).toEqual(expected);
  });
});

describe('planRolloutSteps', () => {
  it('starts one new replica, waits for it, stops one old, three times (25% surge of 3)', () => {
    expect(
      text(planRolloutSteps({ current: { r1: 3 }, target: 'r2', replicas: 3, strategy: oneSurge })),
    ).toEqual([
      'start r2 1',
      'wait-healthy r2 1',
      'stop r1 1',
      'start r2 1',
      'wait-healthy r2 2',
      'stop r1 1',
      'start r2 1',
      'wait-healthy r2 3',
      'stop r1 1',
    ]);
  });

  it('makes room by stopping old replicas first when some may be unavailable', () => {
    expect(
      text(
        planRolloutSteps({
          current: { r1: 4 },
          target: 'r2',
          replicas: 4,
          strategy: { maxSurge: 0, maxUnavailable: 2 },
        }),
      ),
    ).toEqual([
      'stop r1 2',
      'start r2 2',
      'wait-healthy r2 2',
      'stop r1 2',
      'start r2 2',
      'wait-healthy r2 4',
    ]);
  });

  it('starts everything at once and waits for it on a first deploy (no capacity to keep)', () => {
    expect(text(planRolloutSteps({ current: {}, target: 'r1', replicas: 2, strategy: oneSurge }))).toEqual([
      'start r1 2',
      'wait-healthy r1 2',
    ]);
  });

  it('stops a superseded release before the stable one', () => {
    const steps = planRolloutSteps({
      current: { r1: 2, r2: 2 },
      target: 'r3',
      replicas: 3,
      strategy: oneSurge,
      stopFirst: ['r2'],
    });
    expect(text(steps).filter((s) => s.startsWith('stop'))).toEqual([
      'stop r2 1',
      'stop r2 1',
      'stop r1 1',
      'stop r1 1',
    ]);
  });

  it('keeps every invariant for any sizes (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(8),
        fc.nat(8),
        fc.nat(8),
        fc.nat(3),
        fc.nat(3),
        (oldReplicas, already, wanted, surge, unavailable) => {
          fc.pre(surge + unavailable >= 1);
          const strategy = { maxSurge: surge, maxUnavailable: unavailable };
          const current = { old: oldReplicas, new: already };
          const steps = planRolloutSteps({ current, target: 'new', replicas: wanted, strategy });
          let old = oldReplicas;
          let fresh = already;
          let healthyNew = 0;
          for (const step of steps) {
            if (step.action === 'start') fresh += step.replicas;
            if (step.action === 'stop' && step.release === 'old') old -= step.replicas;
            if (step.action === 'stop' && step.release === 'new') fresh -= step.replicas;
            if (step.action === 'wait-healthy') healthyNew = step.replicas;
            expect(old).toBeGreaterThanOrEqual(0);
            // Never more than the surge above what runs or is wanted.
            expect(old + fresh).toBeLessThanOrEqual(Math.max(oldReplicas + already, wanted + surge));
            // Serving replicas (old ones, new ones that passed a gate) never drop more than allowed.
            if (already === 0)
              expect(old + healthyNew).toBeGreaterThanOrEqual(Math.min(oldReplicas, wanted) - unavailable);
          }
          expect([old, fresh]).toEqual([0, wanted]);
          // Every replica of the target is waited for before the plan ends.
          if (wanted > 0)
            expect(steps).toContainEqual({ action: 'wait-healthy', release: 'new', replicas: wanted });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('advanceRollout', () => {
  const strategy = oneSurge;
  const deadline = 60_000;
  const healthy = (n: number): ReleaseHealth => ({ healthy: n, failures: [] });

  it('moves as health arrives and ends with only the new release', () => {
    let progress = startRollout({
      current: { r1: 3 },
      toRelease: 'r2',
      fromRelease: 'r1',
      replicas: 3,
      strategy,
    });
    const seen: Record<string, number>[] = [];
    for (let ready = 0; ready <= 3; ready++) {
      progress = advanceRollout({
        progress,
        health: { r2: healthy(ready), r1: healthy(3) },
        nowMs: ready * 1000,
        progressDeadlineMs: deadline,
        strategy,
      });
      seen.push(compositionOf(progress));
    }
    expect(seen).toEqual([{ r1: 3, r2: 1 }, { r1: 2, r2: 2 }, { r1: 1, r2: 3 }, { r2: 3 }]);
    expect(progress.status).toBe('succeeded');
    // Finished rollouts do not move again.
    expect(advanceRollout({ progress, health: {}, nowMs: 9e9, progressDeadlineMs: deadline, strategy })).toBe(
      progress,
    );
  });

  it('rolls back when a new replica fails, and ends failed with the old release serving', () => {
    let progress = startRollout({
      current: { r1: 3 },
      toRelease: 'r2',
      fromRelease: 'r1',
      replicas: 3,
      strategy,
    });
    progress = advanceRollout({
      progress,
      health: { r2: healthy(1) },
      nowMs: 0,
      progressDeadlineMs: deadline,
      strategy,
    });
    expect(compositionOf(progress)).toEqual({ r1: 2, r2: 2 });
    progress = advanceRollout({
      progress,
      health: { r2: { healthy: 1, failures: ['r2-1: PULL_FAILED: manifest unknown'] } },
      nowMs: 1000,
      progressDeadlineMs: deadline,
      strategy,
    });
    expect(progress).toMatchObject({ status: 'rolling-back', reason: 'r2-1: PULL_FAILED: manifest unknown' });
    progress = advanceRollout({
      progress,
      health: { r1: healthy(2) },
      nowMs: 2000,
      progressDeadlineMs: deadline,
      strategy,
    });
    expect(compositionOf(progress)).toEqual({ r1: 3, r2: 1 });
    progress = advanceRollout({
      progress,
      health: { r1: healthy(3) },
      nowMs: 3000,
      progressDeadlineMs: deadline,
      strategy,
    });
    expect(compositionOf(progress)).toEqual({ r1: 3 });
    expect(progress.status).toBe('failed');
    expect(progress.steps.filter((s) => s.phase === 'deploy' && s.status === 'pending')).not.toHaveLength(0);
  });

  it('gives up on a step that outlives the deadline', () => {
    let progress = startRollout({
      current: { r1: 1 },
      toRelease: 'r2',
      fromRelease: 'r1',
      replicas: 1,
      strategy,
    });
    progress = advanceRollout({ progress, health: {}, nowMs: 0, progressDeadlineMs: deadline, strategy });
    progress = advanceRollout({
      progress,
      health: {},
      nowMs: deadline + 1,
      progressDeadlineMs: deadline,
      strategy,
    });
    expect(progress.status).toBe('rolling-back');
    expect(progress.reason).toBe('only 0 of 1 replicas of r2 became healthy within 60 s');
  });

  it('has nothing to roll back to on a first deploy: it fails where it stands', () => {
    let progress = startRollout({ current: {}, toRelease: 'r1', fromRelease: null, replicas: 1, strategy });
    progress = advanceRollout({
      progress,
      health: { r1: { healthy: 0, failures: ['exited with code 1'] } },
      nowMs: 0,
      progressDeadlineMs: deadline,
      strategy,
    });
    expect(progress).toMatchObject({ status: 'failed', reason: 'exited with code 1' });
  });
});
