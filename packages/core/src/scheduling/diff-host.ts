import type { AgentAction, AllocationSpec, ObservedContainer } from './agent-actions.js';
import { specHash } from './spec-hash.js';

type State = ObservedContainer['state'];

/** States in which the container holds resources and must be stopped before it is removed. */
const NEEDS_STOP: ReadonlySet<State> = new Set(['running', 'restarting', 'paused']);
/** A matching container in one of these is left alone: it runs, or Docker is restarting it. */
const RUNS: ReadonlySet<State> = new Set(['running', 'restarting']);
/** A matching container in one of these is started rather than replaced. */
const STARTABLE: ReadonlySet<State> = new Set(['created', 'exited']);
/** Which matching container is kept when there are several: the one furthest along. */
const KEEP_RANK: Readonly<Record<State, number>> = {
  running: 0,
  restarting: 1,
  created: 2,
  exited: 3,
  paused: 4,
  dead: 5,
  removing: 6,
};

const byContainerId = (a: ObservedContainer, b: ObservedContainer) => compare(a.containerId, b.containerId);

/**
 * The actions that make a host's containers match its desired allocations, in the order the
 * agent runs them. `create` means create and start (the agent does both). Containers no longer
 * desired are removed first (that frees their resources), then each desired allocation in id
 * order: containers of an older spec are stopped and removed, then the new one is created;
 * a matching container that is created or exited is started; a running matching container is
 * never touched. Containers Docker is already removing are left to it. Applying the result and
 * diffing again yields no actions.
 *
 * @example diffHost([spec], []) // [{ kind: 'create', allocation: spec.allocation, spec }]
 */
export function diffHost(
  desired: readonly AllocationSpec[],
  observed: readonly ObservedContainer[],
): AgentAction[] {
  const wanted = new Map<string, AllocationSpec>();
  for (const spec of desired) wanted.set(spec.allocation, spec);
  const byAllocation = new Map<string, ObservedContainer[]>();
  for (const container of observed) {
    const list = byAllocation.get(container.allocation);
    if (list) list.push(container);
    else byAllocation.set(container.allocation, [container]);
  }

  const actions: AgentAction[] = [];
  const undesired = observed.filter((c) => !wanted.has(c.allocation));
  undesired.sort((a, b) => compare(a.allocation, b.allocation) || byContainerId(a, b));
  for (const container of undesired)
    retire(actions, container, 'allocation is no longer desired on this host');

  for (const allocation of [...wanted.keys()].sort(compare)) {
    const spec = wanted.get(allocation)!;
    const hash = specHash(spec);
    const containers = [...(byAllocation.get(allocation) ?? [])].sort(byContainerId);
    const matching = containers
      .filter((c) => c.specHash === hash && (RUNS.has(c.state) || STARTABLE.has(c.state)))
      .sort((a, b) => KEEP_RANK[a.state] - KEEP_RANK[b.state] || byContainerId(a, b));
    const keep = matching[0];
    for (const container of containers) {
      if (container === keep) continue;
      const reason =
        container.specHash !== hash
          ? `spec changed (${container.specHash} → ${hash})`
          : container.state === 'dead' || container.state === 'paused'
            ? `container is ${container.state}`
            : 'duplicate container for the allocation';
      retire(actions, container, reason);
    }
    if (!keep) actions.push({ kind: 'create', allocation, spec });
    else if (STARTABLE.has(keep.state))
      actions.push({ kind: 'start', allocation, containerId: keep.containerId });
  }
  return actions;
}

/** Stop (if it holds resources) and remove one container; one Docker is removing needs nothing. */
function retire(actions: AgentAction[], container: ObservedContainer, reason: string): void {
  if (container.state === 'removing') return;
  const { allocation, containerId } = container;
  if (NEEDS_STOP.has(container.state)) actions.push({ kind: 'stop', allocation, containerId, reason });
  actions.push({ kind: 'remove', allocation, containerId, reason });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
