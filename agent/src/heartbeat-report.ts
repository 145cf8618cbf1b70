import type { AllocationSpec } from '@slipway/core';
import type { ActionErrorCode } from './action-outcome.js';
import type { HeartbeatEntry } from './agent-api-schemas.js';
import { endpointOf, runOf } from './health/check-targets.js';
import type { HealthView } from './health/health-prober.js';
import { reportedHealth, uncheckedHealth } from './health/health-rules.js';
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
 * - a desired allocation's running container → its health check's state: `starting` until a check
 *   passes, then `running`, `unhealthy` after the failure threshold (with `health`); a running
 *   container no longer desired is not checked → `running` without `health`;
 * - created / restarting → `starting`; exited / dead → `exited` with the exit code (and OOM);
 *   paused → `unhealthy`;
 * - desired without a container: `pending`, with `CODE: error` when its last create failed;
 * - `endpoint` (publish address + host port) whenever the container has a published port.
 *
 * @example heartbeatReport({ desired: [spec], observed: [], failures: new Map(), at })
 *   // [{ allocation: spec.allocation, state: 'pending', containerId: null, message: null, at }]
 */
export function heartbeatReport(input: {
  /** The desired specs; `undefined` before the first desired document (then only what runs). */
  desired: readonly AllocationSpec[] | undefined;
  observed: readonly ObservedAllocation[];
  failures: ReadonlyMap<string, AllocationFailure>;
  /** The health checks, by allocation (only desired allocations are checked). */
  health?: ReadonlyMap<string, HealthView>;
  /** The address container ports are published on (unset: every address). */
  publishAddress?: string;
  at: string;
}): HeartbeatEntry[] {
  const { observed, failures, at } = input;
  const health = input.health ?? new Map<string, HealthView>();
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
    const seen = fromContainer(container, failure, at);
    const checked = container.state === 'running' ? withHealth(seen, container, health) : seen;
    return withEndpoint(checked, container, input.publishAddress);
  });
  const wanted = new Set(desired.map((spec) => spec.allocation));
  for (const container of containers.values())
    if (!wanted.has(container.allocation))
      entries.push(withEndpoint(fromContainer(container, undefined, at), container, input.publishAddress));
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

/** A running container's state is its health check's: `starting` until one passes. */
function withHealth(
  entry: HeartbeatEntry,
  container: ObservedAllocation,
  health: ReadonlyMap<string, HealthView>,
): HeartbeatEntry {
  const view = health.get(container.allocation);
  // A check of another container run (replaced, restarted) says nothing about this one.
  if (!view || view.run !== runOf(container))
    return { ...entry, state: 'starting', health: reportedHealth(uncheckedHealth()) };
  const { record, state } = view;
  // No failure count in the words: they change only when the state or the error does.
  const message =
    state === 'unhealthy'
      ? `health check failing: ${record.lastError}`
      : state === 'starting' && record.lastError !== null
        ? `health check not passing yet: ${record.lastError}`
        : null;
  return { ...entry, state, message: clipped(message), health: reportedHealth(record) };
}

function withEndpoint(
  entry: HeartbeatEntry,
  container: ObservedAllocation,
  publishAddress: string | undefined,
): HeartbeatEntry {
  if (container.hostPort === undefined) return entry;
  return { ...entry, endpoint: endpointOf(publishAddress, container.hostPort) };
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
  return { allocation, state, containerId, message: clipped(message), at };
}

function clipped(message: string | null): string | null {
  const text = message === '' ? null : message;
  return text !== null && text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}
