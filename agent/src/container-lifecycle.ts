import type Docker from 'dockerode';
import { type ActionErrorCode, ActionFailure } from './action-outcome.js';
import { engineMessage, statusOf } from './docker-errors.js';
import { LABELS } from './labels.js';

export interface LifecycleTarget {
  docker: Docker;
  hostId: string;
  allocation: string;
  containerId: string;
}

/** What the container is, or `gone` when the engine no longer has it. */
type Inspected = Docker.ContainerInspectInfo | 'gone';

/**
 * Starts an allocation's container (already running: nothing to do). Returns a note when there
 * was nothing to do.
 */
export async function startContainer(target: LifecycleTarget): Promise<string | undefined> {
  const info = await inspectManaged(target, 'START_FAILED');
  if (info === 'gone')
    throw new ActionFailure(
      'START_FAILED',
      `Container ${target.containerId} is gone; the next reconcile creates it again.`,
    );
  if (info.State.Running) return 'already running';
  try {
    await target.docker.getContainer(info.Id).start();
    return undefined;
  } catch (error) {
    if (statusOf(error) === 304) return 'already running';
    throw new ActionFailure(
      'START_FAILED',
      `Starting ${target.containerId} failed: ${engineMessage(error)}`,
      { cause: error },
    );
  }
}

/**
 * Stops an allocation's container: SIGTERM, then SIGKILL after `timeoutSeconds`. A stopped or
 * missing container is already what was asked for.
 */
export async function stopContainer(
  target: LifecycleTarget,
  timeoutSeconds: number,
): Promise<string | undefined> {
  const info = await inspectManaged(target, 'STOP_FAILED');
  if (info === 'gone') return 'already gone';
  return stopInspected(target, info, timeoutSeconds, 'STOP_FAILED');
}

/**
 * Removes an allocation's container and its anonymous volumes, stopping it gracefully first
 * (as {@link stopContainer}). A missing container is already removed.
 */
export async function removeContainer(
  target: LifecycleTarget,
  timeoutSeconds: number,
): Promise<string | undefined> {
  const info = await inspectManaged(target, 'REMOVE_FAILED');
  if (info === 'gone') return 'already gone';
  await stopInspected(target, info, timeoutSeconds, 'REMOVE_FAILED');
  try {
    await target.docker.getContainer(info.Id).remove({ v: true });
    return undefined;
  } catch (error) {
    if (statusOf(error) === 404) return 'already gone';
    throw new ActionFailure(
      'REMOVE_FAILED',
      `Removing ${target.containerId} failed: ${engineMessage(error)}`,
      { cause: error },
    );
  }
}

async function stopInspected(
  target: LifecycleTarget,
  info: Docker.ContainerInspectInfo,
  timeoutSeconds: number,
  code: ActionErrorCode,
): Promise<string | undefined> {
  if (!info.State.Running && !info.State.Restarting) return 'already stopped';
  try {
    await target.docker.getContainer(info.Id).stop({ t: timeoutSeconds });
    return undefined;
  } catch (error) {
    const status = statusOf(error);
    if (status === 304) return 'already stopped';
    if (status === 404) return 'already gone';
    throw new ActionFailure(code, `Stopping ${target.containerId} failed: ${engineMessage(error)}`, {
      cause: error,
    });
  }
}

/**
 * The container, if it is this host's container of this allocation. Anything else — another
 * agent's container on a shared engine, a container Slipway did not make — is never touched.
 */
async function inspectManaged(target: LifecycleTarget, code: ActionErrorCode): Promise<Inspected> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await target.docker.getContainer(target.containerId).inspect();
  } catch (error) {
    if (statusOf(error) === 404) return 'gone';
    throw new ActionFailure(code, `Inspecting ${target.containerId} failed: ${engineMessage(error)}`, {
      cause: error,
    });
  }
  const labels = info.Config.Labels ?? {};
  if (labels[LABELS.host] !== target.hostId || labels[LABELS.allocation] !== target.allocation)
    throw new ActionFailure(
      'NOT_MANAGED',
      `Container ${target.containerId} is not allocation ${target.allocation} of host ${target.hostId}; it was left alone.`,
    );
  return info;
}
