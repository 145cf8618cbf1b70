import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { statusOf } from './docker-errors.js';

export interface EngineLockOptions {
  docker: Docker;
  /** Container name used as the lock, e.g. `slipway-lock-network-acme`. */
  name: string;
  /** An image present on the engine (the lock container is created, never started). */
  image: string;
  labels?: Readonly<Record<string, string>>;
  /** A lock older than this was left by an agent that died holding it, and is broken. Default 30 s. */
  staleMs?: number;
  /** Give up waiting after this long. Default 60 s. */
  timeoutMs?: number;
  /** Between tries while another agent holds it. Default 50 ms. */
  pollMs?: number;
}

/** Thrown when the lock stayed held past `timeoutMs`. */
export class EngineLockTimeoutError extends Error {
  override readonly name = 'EngineLockTimeoutError';
}

/**
 * Runs `work` while holding a lock shared by every agent on the engine, or returns what
 * `alreadyDone` finds while waiting (another agent did the work). Docker reserves container
 * names atomically, so creating a named, never-started container is the lock; removing it
 * releases it. Needed where the engine itself is not atomic (network names before API 1.44).
 */
export async function withEngineLock<T>(
  options: EngineLockOptions,
  alreadyDone: () => Promise<T | undefined>,
  work: () => Promise<T>,
): Promise<T> {
  const { docker, name } = options;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const done = await alreadyDone();
    if (done !== undefined) return done;
    const held = await tryAcquire(options);
    if (held !== undefined) {
      try {
        return await work();
      } finally {
        await release(docker, held);
      }
    }
    if (Date.now() > deadline)
      throw new EngineLockTimeoutError(
        `Another agent has held the lock ${name} for over ${options.timeoutMs ?? 60_000} ms; if no agent is working on it, remove the container ${name}.`,
      );
    await sleep(options.pollMs ?? 50);
  }
}

/** The lock container's id when this call got the lock. */
async function tryAcquire(options: EngineLockOptions): Promise<string | undefined> {
  const { docker, name } = options;
  try {
    const lock = await docker.createContainer({
      name,
      Image: options.image,
      Cmd: ['slipway-lock'],
      Labels: { ...options.labels },
    });
    return lock.id;
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
  }
  // Held: break it only when its holder must have died (older than staleMs) — by id, so a
  // fresh lock someone took meanwhile under the same name is never removed.
  try {
    const lock = await docker.getContainer(name).inspect();
    if (Date.now() - Date.parse(lock.Created) > (options.staleMs ?? 30_000)) await release(docker, lock.Id);
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  return undefined;
}

async function release(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true });
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}
