import { describe, expect, it } from '@jest/globals';
import type { AllocationSpec } from '@slipway/core';
import type { HealthView } from './health/health-prober.js';
import type { HealthRecord } from './health/health-rules.js';
import { type AllocationFailure, heartbeatReport } from './heartbeat-report.js';
import type { ObservedAllocation } from './observe-host.js';

const at = '2026-01-01T00:00:00.000Z';

function spec(allocation: string): AllocationSpec {
  return {
    allocation,
    tenant: 'acme',
    service: 'web',
    environment: 'production',
    release: 'r-1',
    slot: 0,
    image: 'slipway/busybox:local',
    port: 8080,
    resources: { cpuMillicores: 100, memoryMiB: 32 },
    env: {},
    secrets: [],
    health: { path: '/', intervalMs: 5000, timeoutMs: 1000 },
  };
}

function container(
  allocation: string,
  state: ObservedAllocation['state'],
  extra: Partial<ObservedAllocation> = {},
): ObservedAllocation {
  return {
    allocation,
    containerId: `c-${allocation}`,
    state,
    specHash: 'h',
    tenant: 'acme',
    service: 'web',
    environment: 'production',
    release: 'r-1',
    exitCode: 0,
    stateMessage: '',
    oomKilled: false,
    restartCount: 0,
    ...extra,
  };
}

const none = new Map<string, AllocationFailure>();

const passing: HealthRecord = {
  status: 'passing',
  consecutiveFailures: 0,
  lastCheckAt: at,
  lastError: null,
  passedOnce: true,
};
const reportedPassing = { status: 'passing', consecutiveFailures: 0, lastCheckAt: at, lastError: null };

/** The prober's view of `allocation`'s container `c-<allocation>` (started at `startedAt`). */
function checked(
  allocation: string,
  state: HealthView['state'],
  record: HealthRecord,
  startedAt = '',
): [string, HealthView] {
  return [allocation, { run: `c-${allocation}@${startedAt}`, record, state }];
}

describe('heartbeatReport', () => {
  it('maps Docker states to observed states, one entry per desired allocation', () => {
    const report = heartbeatReport({
      desired: ['a', 'b', 'c', 'd', 'e'].map(spec),
      observed: [
        container('a', 'running'),
        container('b', 'created'),
        container('c', 'restarting', { restartCount: 3, exitCode: 1 }),
        container('d', 'exited', { exitCode: 137, oomKilled: true }),
        container('e', 'dead', { exitCode: 2, stateMessage: 'no such file' }),
      ],
      failures: none,
      health: new Map([checked('a', 'running', passing)]),
      at,
    });
    expect(report).toEqual([
      { allocation: 'a', state: 'running', containerId: 'c-a', message: null, at, health: reportedPassing },
      { allocation: 'b', state: 'starting', containerId: 'c-b', message: null, at },
      {
        allocation: 'c',
        state: 'starting',
        containerId: 'c-c',
        message: 'restarting (restart 3, last exit code 1)',
        at,
      },
      {
        allocation: 'd',
        state: 'exited',
        containerId: 'c-d',
        message: 'exited with code 137; OOM killed: raise its memory limit',
        at,
      },
      {
        allocation: 'e',
        state: 'exited',
        containerId: 'c-e',
        message: 'exited with code 2; no such file',
        at,
      },
    ]);
  });

  it('reports a desired allocation without a container as pending, with its last failure', () => {
    const failures = new Map<string, AllocationFailure>([
      ['b', { code: 'PULL_FAILED', error: 'Pulling x failed: not found.' }],
    ]);
    expect(heartbeatReport({ desired: [spec('a'), spec('b')], observed: [], failures, at })).toEqual([
      { allocation: 'a', state: 'pending', containerId: null, message: null, at },
      {
        allocation: 'b',
        state: 'pending',
        containerId: null,
        message: 'PULL_FAILED: Pulling x failed: not found.',
        at,
      },
    ]);
  });

  it('also reports containers still present that are no longer desired, and everything before the first document', () => {
    const observed = [container('gone', 'running'), container('kept', 'running')];
    expect(
      heartbeatReport({ desired: [spec('kept')], observed, failures: none, at }).map((e) => e.allocation),
    ).toEqual(['gone', 'kept']);
    expect(
      heartbeatReport({ desired: undefined, observed, failures: none, at }).map((e) => [
        e.allocation,
        e.state,
      ]),
    ).toEqual([
      ['gone', 'running'],
      ['kept', 'running'],
    ]);
  });

  it('keeps messages within the 2000 characters the controller accepts', () => {
    const failures = new Map<string, AllocationFailure>([
      ['a', { code: 'CREATE_FAILED', error: 'x'.repeat(5000) }],
    ]);
    const [entry] = heartbeatReport({ desired: [spec('a')], observed: [], failures, at });
    expect(entry?.message).toHaveLength(2000);
  });
});

describe('heartbeatReport with health checks and endpoints', () => {
  const failing = (consecutiveFailures: number, passedOnce: boolean): HealthRecord => ({
    status: 'failing',
    consecutiveFailures,
    lastCheckAt: at,
    lastError: 'GET / answered HTTP 500',
    passedOnce,
  });

  it("reports a running desired container in its health check's state, with its health and endpoint", () => {
    const report = heartbeatReport({
      desired: ['a', 'b', 'c', 'd'].map(spec),
      observed: ['a', 'b', 'c', 'd'].map((id, i) => container(id, 'running', { hostPort: 32000 + i })),
      failures: none,
      health: new Map([
        checked('a', 'running', passing),
        checked('b', 'starting', failing(4, false)),
        checked('c', 'unhealthy', failing(3, true)),
      ]),
      publishAddress: '10.0.0.5',
      at,
    });
    expect(
      report.map(({ allocation, state, message, endpoint, health }) => ({
        allocation,
        state,
        message,
        endpoint,
        health,
      })),
    ).toEqual([
      {
        allocation: 'a',
        state: 'running',
        message: null,
        endpoint: { address: '10.0.0.5', port: 32000 },
        health: reportedPassing,
      },
      {
        allocation: 'b',
        state: 'starting',
        message: 'health check not passing yet: GET / answered HTTP 500',
        endpoint: { address: '10.0.0.5', port: 32001 },
        health: {
          status: 'failing',
          consecutiveFailures: 4,
          lastCheckAt: at,
          lastError: 'GET / answered HTTP 500',
        },
      },
      {
        allocation: 'c',
        state: 'unhealthy',
        message: 'health check failing: GET / answered HTTP 500',
        endpoint: { address: '10.0.0.5', port: 32002 },
        health: {
          status: 'failing',
          consecutiveFailures: 3,
          lastCheckAt: at,
          lastError: 'GET / answered HTTP 500',
        },
      },
      {
        allocation: 'd',
        state: 'starting',
        message: null,
        endpoint: { address: '10.0.0.5', port: 32003 },
        health: { status: 'unknown', consecutiveFailures: 0, lastCheckAt: null, lastError: null },
      },
    ]);
  });

  it('does not use the checks of an earlier run of the container (restarted: starting again)', () => {
    const [entry] = heartbeatReport({
      desired: [spec('a')],
      observed: [container('a', 'running', { startedAt: '2026-01-01T00:01:00.000Z', hostPort: 32000 })],
      failures: none,
      health: new Map([checked('a', 'running', passing, '2026-01-01T00:00:00.000Z')]),
      at,
    });
    expect(entry).toMatchObject({ state: 'starting', health: { status: 'unknown' } });
  });

  it('reports a container no longer desired as Docker sees it, unchecked, and the loopback for a wildcard publish address', () => {
    const report = heartbeatReport({
      desired: [],
      observed: [container('gone', 'running', { hostPort: 32000 }), container('dead', 'exited')],
      failures: none,
      health: new Map([checked('gone', 'unhealthy', failing(3, true))]),
      publishAddress: '0.0.0.0',
      at,
    });
    expect(report).toEqual([
      {
        allocation: 'dead',
        state: 'exited',
        containerId: 'c-dead',
        message: 'exited with code 0',
        at,
      },
      {
        allocation: 'gone',
        state: 'running',
        containerId: 'c-gone',
        message: null,
        at,
        endpoint: { address: '127.0.0.1', port: 32000 },
      },
    ]);
  });
});
