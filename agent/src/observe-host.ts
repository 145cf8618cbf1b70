import type { ObservedContainer } from '@slipway/core';
import type Docker from 'dockerode';
import { statusOf } from './docker-errors.js';
import { hostFilter, LABELS } from './labels.js';

/** An observed container with what the agent reports besides the diff's inputs. */
export interface ObservedAllocation extends ObservedContainer {
  tenant: string;
  service: string;
  environment: string;
  release: string;
  /** The container's last exit code (0 while it has never exited). */
  exitCode: number;
  /** The engine's error for the container (e.g. why it could not start), `''` when none. */
  stateMessage: string;
  oomKilled: boolean;
  restartCount: number;
  /** ISO time of the last start, when it has started. */
  startedAt?: string;
  /** Host port the container's port is published on, for the edge. */
  hostPort?: number;
  /** The container's address on its tenant's network. */
  ipAddress?: string;
}

const STATES = new Set<ObservedContainer['state']>([
  'created',
  'running',
  'paused',
  'restarting',
  'exited',
  'dead',
  'removing',
]);

/**
 * The containers this agent manages, found by their labels: those carrying
 * `io.slipway.tenant=<tenant>`, `io.slipway.host=<hostId>` and an allocation label, in any state.
 * Other agents' containers on the same engine are not seen. After a restart, the same host id finds the same containers —
 * that is how running containers are adopted without being restarted.
 *
 * @example const observed = await observeHost({ docker, tenant: 'acme', hostId: 'h-1' });
 */
export async function observeHost(options: {
  docker: Docker;
  tenant: string;
  hostId: string;
}): Promise<ObservedAllocation[]> {
  const { docker, tenant, hostId } = options;
  const listed = await docker.listContainers({ all: true, filters: hostFilter(tenant, hostId) });
  const inspected = await Promise.all(listed.map((container) => inspectOrGone(docker, container.Id)));
  return inspected
    .filter((info): info is Docker.ContainerInspectInfo => info !== undefined)
    .filter((info) => info.Config.Labels?.[LABELS.host] === hostId)
    .map(toObserved)
    .sort((a, b) => (a.allocation < b.allocation ? -1 : a.allocation > b.allocation ? 1 : 0));
}

async function inspectOrGone(docker: Docker, id: string): Promise<Docker.ContainerInspectInfo | undefined> {
  try {
    return await docker.getContainer(id).inspect();
  } catch (error) {
    // Removed between the list and the inspect: it is not on the host any more.
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

function toObserved(info: Docker.ContainerInspectInfo): ObservedAllocation {
  const labels = info.Config.Labels ?? {};
  const label = (key: string) => labels[key] ?? '';
  const status = info.State.Status as ObservedContainer['state'];
  const startedAt = info.State.StartedAt;
  const hostPort = publishedPort(info);
  const ipAddress = Object.values(info.NetworkSettings.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
  return {
    allocation: label(LABELS.allocation),
    containerId: info.Id,
    state: STATES.has(status) ? status : 'dead',
    // A container without a spec label matches no spec: the diff replaces it.
    specHash: label(LABELS.spec),
    tenant: label(LABELS.tenant),
    service: label(LABELS.service),
    environment: label(LABELS.environment),
    release: label(LABELS.release),
    exitCode: info.State.ExitCode,
    stateMessage: info.State.Error ?? '',
    oomKilled: info.State.OOMKilled,
    restartCount: info.RestartCount,
    ...(startedAt && !startedAt.startsWith('0001-') ? { startedAt } : {}),
    ...(hostPort === undefined ? {} : { hostPort }),
    ...(ipAddress ? { ipAddress } : {}),
  };
}

function publishedPort(info: Docker.ContainerInspectInfo): number | undefined {
  for (const bindings of Object.values(info.NetworkSettings.Ports ?? {})) {
    const port = bindings?.find((binding) => binding.HostPort !== '')?.HostPort;
    if (port !== undefined) return Number(port);
  }
  return undefined;
}
