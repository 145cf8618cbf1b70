import { describe, expect, it } from '@jest/globals';
import type { AllocationSpec } from '@slipway/core';
import type { ObservedAllocation } from '../observe-host.js';
import { checkTargets, endpointOf } from './check-targets.js';

function spec(allocation: string, path = '/healthz'): AllocationSpec {
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
    health: { path, intervalMs: 2000, timeoutMs: 500 },
  };
}

function container(
  allocation: string,
  state: ObservedAllocation['state'],
  hostPort?: number,
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
    startedAt: '2026-01-01T00:00:00.000Z',
    ...(hostPort === undefined ? {} : { hostPort }),
  };
}

describe('checkTargets', () => {
  it('checks each desired allocation whose container runs with a published port, and nothing else', () => {
    const targets = checkTargets({
      desired: [spec('a'), spec('b'), spec('c', 'ready')],
      observed: [
        container('a', 'running', 32001),
        container('b', 'exited'),
        container('c', 'running', 32003),
        container('gone', 'running', 32004),
      ],
      publishAddress: '10.0.0.5',
    });
    expect(targets).toEqual([
      {
        allocation: 'a',
        run: 'c-a@2026-01-01T00:00:00.000Z',
        url: 'http://10.0.0.5:32001/healthz',
        intervalMs: 2000,
        timeoutMs: 500,
      },
      {
        allocation: 'c',
        run: 'c-c@2026-01-01T00:00:00.000Z',
        url: 'http://10.0.0.5:32003/ready',
        intervalMs: 2000,
        timeoutMs: 500,
      },
    ]);
  });

  it('puts an IPv6 publish address in brackets', () => {
    const [target] = checkTargets({
      desired: [spec('a')],
      observed: [container('a', 'running', 32001)],
      publishAddress: 'fd00::5',
    });
    expect(target?.url).toBe('http://[fd00::5]:32001/healthz');
  });
});

describe('endpointOf', () => {
  it.each([
    [undefined, '127.0.0.1'],
    ['', '127.0.0.1'],
    ['0.0.0.0', '127.0.0.1'],
    ['::', '127.0.0.1'],
    ['10.0.0.5', '10.0.0.5'],
    ['[fd00::5]', 'fd00::5'],
  ])('published on %p: reached at %s', (publishAddress, address) => {
    expect(endpointOf(publishAddress, 32768)).toEqual({ address, port: 32768 });
  });
});
