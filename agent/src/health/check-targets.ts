import type { AllocationEndpoint, AllocationSpec } from '@slipway/core';
import type { ObservedAllocation } from '../observe-host.js';

/** One container run to check: the prober keeps one loop per allocation and starts afresh when this changes. */
export interface CheckTarget {
  allocation: string;
  /** The container and its start time: a new container or a restart is checked from scratch. */
  run: string;
  url: string;
  intervalMs: number;
  timeoutMs: number;
}

/** Addresses that mean "every address": the host itself reaches the port on the loopback. */
const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]']);

/**
 * Where the edge reaches a container published on `publishAddress` at `hostPort`. Pure.
 * Published on every address (no `publishAddress`), the host reaches it on 127.0.0.1.
 */
export function endpointOf(publishAddress: string | undefined, hostPort: number): AllocationEndpoint {
  const address =
    publishAddress === undefined || WILDCARDS.has(publishAddress) ? '127.0.0.1' : publishAddress;
  return { address: address.replace(/^\[(.*)\]$/, '$1'), port: hostPort };
}

/** The identity of a container run, for matching checks to what runs now. */
export function runOf(container: Pick<ObservedAllocation, 'containerId' | 'startedAt'>): string {
  return `${container.containerId}@${container.startedAt ?? ''}`;
}

/**
 * What to check: each desired allocation whose container runs with a published port. Containers
 * no longer desired are not checked (they are on their way out). Pure.
 */
export function checkTargets(input: {
  desired: readonly AllocationSpec[];
  observed: readonly ObservedAllocation[];
  publishAddress: string | undefined;
}): CheckTarget[] {
  const running = new Map<string, ObservedAllocation>();
  for (const container of input.observed)
    if (container.state === 'running' && container.hostPort !== undefined)
      running.set(container.allocation, container);
  const targets: CheckTarget[] = [];
  for (const spec of input.desired) {
    const container = running.get(spec.allocation);
    if (!container?.hostPort) continue;
    const { address, port } = endpointOf(input.publishAddress, container.hostPort);
    const host = address.includes(':') ? `[${address}]` : address;
    const path = spec.health.path.startsWith('/') ? spec.health.path : `/${spec.health.path}`;
    targets.push({
      allocation: spec.allocation,
      run: runOf(container),
      url: `http://${host}:${port}${path}`,
      intervalMs: spec.health.intervalMs,
      timeoutMs: spec.health.timeoutMs,
    });
  }
  return targets;
}
