import { describe, expect, it } from '@jest/globals';
import type { AllocationSpec } from '@slipway/core';
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
      at,
    });
    expect(report).toEqual([
      { allocation: 'a', state: 'running', containerId: 'c-a', message: null, at },
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
