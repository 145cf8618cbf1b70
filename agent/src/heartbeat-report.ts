import type { AllocationSpec } from '@slipway/core';
import type { ActionErrorCode } from './action-outcome.js';
import type { HeartbeatEntry } from './agent-api-schemas.js';
import type { ObservedAllocation } from './observe-host.js';

/** The last failed action of an allocation, kept until one of its actions succeeds. */
export interface AllocationFailure {
  code: ActionErrorCode;
  error: string;
}

const MAX_MESSAGE = 2000;

/**
 * What a heartbeat says about this host's allocations: one entry per desired allocation, plus any
 * container still present that is no longer desired (being stopped or removed). Pure.
 *
 * - running → `running`; created / restarting → `starting`; exited / dead → `exited` with the exit
 *   code (and OOM); paused → `unhealthy`;
 * - desired without a container: `pending`, with `CODE: error` when its last create failed.
 *
 * @example heartbeatReport({ desired: [spec], observed: [], failures: new Map(), at })
 *   // [{ allocation: spec.allocation, state: 'pending', containerId: null, message: null, at }]
 */
export function heartbeatReport(input: {
  /** The desired specs; `undefined` before the first desired document (then only what runs). */
  desired: readonly AllocationSpec[] | undefined;
  observed: readonly ObservedAllocation[];
  failures: ReadonlyMap<string, AllocationFailure>;
  at: string;
}): HeartbeatEntry[] {
  const { observed, failures, at } = input;
  const desired = input.desired ?? [];
  const containers = new Map<string, ObservedAllocation>();
  for (const container of observed)
    if (!containers.has(container.allocation) || container.state === 'running')
      containers.set(container.allocation, container);
  const entries: HeartbeatEntry[] = desired.map((spec) => {
    const container = containers.get(spec.allocation);
    const failure = failures.get(spec.allocation);
    if (!container)
      return entry(
        spec.allocation,
        'pending',
        null,
        failure ? `${failure.code}: ${failure.error}` : null,
        at,
      );
    return fromContainer(container, failure, at);
  });
  const wanted = new Set(desired.map((spec) => spec.allocation));
  for (const container of containers.values())
    if (!wanted.has(container.allocation)) entries.push(fromContainer(container, undefined, at));
  return entries.sort((a, b) => (a.allocation < b.allocation ? -1 : a.allocation > b.allocation ? 1 : 0));
}

function fromContainer(
  container: ObservedAllocation,
  failure: AllocationFailure | undefined,
  at: string,
): HeartbeatEntry {
  const id = container.containerId;
  const failed = failure ? `${failure.code}: ${failure.error}` : null;
  switch (container.state) {
    case 'running':
      return entry(container.allocation, 'running', id, null, at);
    case 'created':
      return entry(container.allocation, 'starting', id, failed ?? container.stateMessage ?? null, at);
    case 'restarting':
      return entry(
        container.allocation,
        'starting',
        id,
        `restarting (restart ${container.restartCount}, last exit code ${container.exitCode})`,
        at,
      );
    case 'paused':
      return entry(container.allocation, 'unhealthy', id, 'paused', at);
    case 'exited':
    case 'dead':
    case 'removing':
      return entry(container.allocation, 'exited', id, exitMessage(container, failed), at);
  }
}

function exitMessage(container: ObservedAllocation, failed: string | null): string {
  const parts = [`exited with code ${container.exitCode}`];
  if (container.oomKilled) parts.push('OOM killed: raise its memory limit');
  if (container.stateMessage) parts.push(container.stateMessage);
  if (failed) parts.push(failed);
  return parts.join('; ');
}

function entry(
  allocation: string,
  state: HeartbeatEntry['state'],
  containerId: string | null,
  message: string | null,
  at: string,
): HeartbeatEntry {
  const text = message === '' ? null : message;
  return {
    allocation,
    state,
    containerId,
    message: text !== null && text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text,
    at,
  };
}
