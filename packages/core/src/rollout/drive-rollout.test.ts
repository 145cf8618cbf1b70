import { describe, expect, it } from '@jest/globals';
import { rolloutSchema } from '../domain/rollout.js';
import type { Service } from '../domain/service.js';
import type { ReleaseHealth } from './advance-rollout.js';
import { type DriveRolloutInput, driveRollout } from './drive-rollout.js';

const service = (release: string | null, replicas = 3): Service => ({
  tenant: 'acme',
  environment: 'production',
  name: 'web',
  source: { kind: 'image', image: '127.0.0.1:5000/acme/web:1' },
  port: 8080,
  replicas,
  resources: { cpuMillicores: 100, memoryMiB: 64 },
  health: { path: '/', intervalMs: 1000, timeoutMs: 500 },
  env: {},
  secrets: [],
  domains: [],
  visibility: 'public',
  release,
});

let ids = 0;
function drive(overrides: Partial<DriveRolloutInput>) {
  return driveRollout({
    service: service('r2'),
    latest: undefined,
    running: {},
    health: {},
    nowMs: 1_000_000,
    progressDeadlineMs: 60_000,
    newRolloutId: () => `ro-${++ids}`,
    ...overrides,
  });
}
const healthy = (n: number): ReleaseHealth => ({ healthy: n, failures: [] });

describe('driveRollout', () => {
  it('runs nothing for a service without a release', () => {
    expect(drive({ service: service(null) })).toEqual({ composition: {}, writes: [] });
  });

  it('begins a rollout for a new release, records it valid, and starts the first new replica', () => {
    const { composition, writes } = drive({ running: { r1: 3 } });
    expect(composition).toEqual({ r1: 3, r2: 1 });
    expect(writes).toHaveLength(1);
    // No history: what runs is what a failure goes back to.
    expect(rolloutSchema.parse(writes[0])).toMatchObject({
      fromRelease: 'r1',
      toRelease: 'r2',
      status: 'running',
    });
  });

  it('advances the recorded rollout with health, writing only when something moved, and settles', () => {
    let latest = drive({ running: { r1: 3 }, service: service('r2') }).writes[0]!;
    const again = drive({ latest, running: { r1: 3, r2: 1 }, health: { r2: healthy(0) } });
    expect(again.writes).toEqual([]); // waiting: nothing to record
    for (let ready = 1; ready <= 3; ready++) {
      const step = drive({ latest, health: { r2: healthy(ready), r1: healthy(3) } });
      latest = step.writes[0] ?? latest;
    }
    expect(latest).toMatchObject({ status: 'succeeded', finishedAt: '1970-01-01T00:16:40.000Z' });
    // Settled: the release runs at whatever scale the service has now.
    expect(drive({ latest, service: service('r2', 5) })).toEqual({ composition: { r2: 5 }, writes: [] });
  });

  it('after a rollback, keeps running the previous release at the service’s scale', () => {
    const first = drive({ service: service('r1'), running: {}, health: {} }).writes[0]!;
    const settled = { ...first, status: 'succeeded' as const };
    let latest = drive({ latest: settled, running: { r1: 3 } }).writes[0]!;
    expect(latest.fromRelease).toBe('r1');
    latest = drive({ latest, health: { r2: { healthy: 0, failures: ['web-0: exited with code 1'] } } })
      .writes[0]!;
    expect(latest).toMatchObject({ status: 'rolling-back', reason: 'web-0: exited with code 1' });
    latest = drive({ latest, health: { r1: healthy(3) } }).writes[0]!;
    expect(latest.status).toBe('failed');
    expect(drive({ latest, service: service('r2', 2) }).composition).toEqual({ r1: 2 });
  });

  it('cancels a rollout still moving when a newer release arrives, and stops its replicas first', () => {
    const moving = drive({ running: { r1: 3 } }).writes[0]!;
    const { writes, composition } = drive({
      latest: moving,
      service: service('r3'),
      running: { r1: 3, r2: 1 },
    });
    expect(writes.map((w) => [w.toRelease, w.status, w.reason])).toEqual([
      ['r2', 'cancelled', 'superseded by release r3'],
      ['r3', 'running', null],
    ]);
    expect(writes[1]?.fromRelease).toBe('r1'); // what r2's rollout would have gone back to
    // The unproven r2 replica is the surge r3 needs: it stops at once, r1 keeps serving.
    expect(composition).toEqual({ r1: 3, r3: 1 });
    const stops = writes[1]!.steps.filter((s) => s.action === 'stop').map((s) => s.release);
    expect(stops[0]).toBe('r2');
  });

  it('re-plans a moving rollout from where it stands when the service is scaled', () => {
    const moving = drive({ running: { r1: 3 } }).writes[0]!;
    const { writes, composition } = drive({
      latest: moving,
      service: service('r2', 5),
      running: { r1: 3, r2: 1 },
    });
    expect(writes.map((w) => [w.toRelease, w.status, w.replicas])).toEqual([
      ['r2', 'cancelled', 3],
      ['r2', 'running', 5],
    ]);
    expect(writes[1]?.fromRelease).toBe('r1');
    expect(composition.r2).toBeGreaterThanOrEqual(1);
  });
});
