import { type AgentAction, type Policy, specHash } from '@slipway/core';
import type Docker from 'dockerode';
import { ActionFailure, type ActionOutcome } from './action-outcome.js';
import { removeContainer, startContainer, stopContainer } from './container-lifecycle.js';
import { type CreateAllocationDeps, createAllocation } from './create-allocation.js';
import { engineMessage } from './docker-errors.js';
import { ensureImage } from './ensure-image.js';
import type { CredentialsFor } from './registry-credentials.js';
import type { SecretsFor } from './secrets.js';
import { ensureTenantNetwork } from './tenant-network.js';

export interface ExecuteActionsOptions {
  docker: Docker;
  /** This agent's host id: every container it makes carries it, and it touches no other. */
  hostId: string;
  actions: readonly AgentAction[];
  /** The policy of the host's tenant, checked again before every create. */
  policy: Policy;
  /** The platform's own registries (always allowed), e.g. `127.0.0.1:5000` or the ECR host. */
  platformRegistries?: readonly string[];
  /** Pull credentials per image; anonymous pulls when omitted. */
  credentialsFor?: CredentialsFor;
  /** Secret env values for specs that name secrets; such specs fail without it. */
  secretsFor?: SecretsFor;
  /** Grace between SIGTERM and SIGKILL on stop and remove. Default 10 s (Docker's). */
  stopTimeoutSeconds?: number;
  /** Allocations worked on at once. Default 4. */
  concurrency?: number;
  /** Host address container ports are published on; every address when omitted. */
  publishAddress?: string;
  /** Extra labels on every container and network made (tests mark theirs for cleanup). */
  labels?: Readonly<Record<string, string>>;
}

const anonymous: CredentialsFor = async () => undefined;

/**
 * Executes a host's actions against the engine and returns one outcome per action, in order.
 * Never throws for an action: a forbidden spec, a failed pull or a refused stop becomes that
 * action's outcome, and the other actions still run. Actions of one allocation run in the
 * order given; different allocations run side by side. `create` creates and starts.
 *
 * @example
 * const outcomes = await executeActions({ docker, hostId: 'h-1', policy, actions: [
 *   { kind: 'create', allocation: 'a-1', spec },
 *   { kind: 'stop', allocation: 'a-0', containerId, reason: 'no longer desired' },
 * ] });
 */
export async function executeActions(options: ExecuteActionsOptions): Promise<ActionOutcome[]> {
  const { docker, hostId, policy } = options;
  const stopTimeout = options.stopTimeoutSeconds ?? 10;
  const pulls = new Map<string, Promise<void>>();
  const networks = new Map<string, Promise<string>>();
  const createDeps: CreateAllocationDeps = {
    docker,
    hostId,
    policy,
    platformRegistries: options.platformRegistries ?? [],
    specHash,
    // One pull per image and one network check per tenant for the whole batch.
    ensureImage: (image) =>
      once(pulls, image, () =>
        ensureImage({ docker, image, credentialsFor: options.credentialsFor ?? anonymous }),
      ),
    ensureNetwork: (tenant, lockImage) =>
      once(networks, tenant, () =>
        ensureTenantNetwork({
          docker,
          tenant,
          lockImage,
          ...(options.labels ? { labels: options.labels } : {}),
        }),
      ),
    ...(options.secretsFor ? { secretsFor: options.secretsFor } : {}),
    ...(options.publishAddress === undefined ? {} : { publishAddress: options.publishAddress }),
    ...(options.labels ? { labels: options.labels } : {}),
  };

  const run = async (action: AgentAction): Promise<ActionOutcome> => {
    try {
      switch (action.kind) {
        case 'create': {
          if (action.spec.tenant !== policy.tenant)
            throw new ActionFailure(
              'POLICY_DENIED',
              `Allocation ${action.allocation} belongs to tenant ${action.spec.tenant}, but this host runs tenant ${policy.tenant}'s containers only.`,
            );
          const containerId = await createAllocation(createDeps, action.spec);
          return { ok: true, kind: action.kind, allocation: action.allocation, containerId };
        }
        case 'start':
          return done(action, action.containerId, await startContainer({ docker, hostId, ...action }));
        case 'stop':
          return done(
            action,
            action.containerId,
            await stopContainer({ docker, hostId, ...action }, stopTimeout),
          );
        case 'remove':
          return done(
            action,
            action.containerId,
            await removeContainer({ docker, hostId, ...action }, stopTimeout),
          );
      }
    } catch (error) {
      return failed(action, error);
    }
  };

  const outcomes: ActionOutcome[] = new Array(options.actions.length);
  const groups = groupByAllocation(options.actions);
  await forEachLimited(groups, options.concurrency ?? 4, async (group) => {
    for (const { action, index } of group) outcomes[index] = await run(action);
  });
  return outcomes;
}

function done(action: AgentAction, containerId: string, note: string | undefined): ActionOutcome {
  return {
    ok: true,
    kind: action.kind,
    allocation: action.allocation,
    containerId,
    ...(note ? { note } : {}),
  };
}

function failed(action: AgentAction, error: unknown): ActionOutcome {
  const containerId = 'containerId' in action ? action.containerId : undefined;
  const base = { ok: false as const, kind: action.kind, allocation: action.allocation };
  if (error instanceof ActionFailure) {
    const id = error.details.containerId ?? containerId;
    return {
      ...base,
      ...(id === undefined ? {} : { containerId: id }),
      code: error.code,
      error: error.message,
      ...(error.details.denials ? { denials: error.details.denials } : {}),
    };
  }
  // An unexpected engine error (socket closed, 500): reported against the action's own kind.
  const code = (
    { create: 'CREATE_FAILED', start: 'START_FAILED', stop: 'STOP_FAILED', remove: 'REMOVE_FAILED' } as const
  )[action.kind];
  return {
    ...base,
    ...(containerId === undefined ? {} : { containerId }),
    code,
    error: `${action.kind} of ${action.allocation} failed: ${engineMessage(error)}`,
  };
}

function once<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let promise = cache.get(key);
  if (promise === undefined) {
    promise = make();
    cache.set(key, promise);
  }
  return promise;
}

function groupByAllocation(actions: readonly AgentAction[]): { action: AgentAction; index: number }[][] {
  const groups = new Map<string, { action: AgentAction; index: number }[]>();
  actions.forEach((action, index) => {
    const group = groups.get(action.allocation) ?? [];
    group.push({ action, index });
    groups.set(action.allocation, group);
  });
  return [...groups.values()];
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
