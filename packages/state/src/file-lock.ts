import { randomUUID } from 'node:crypto';
import { link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { jitteredBackoff } from './backoff.js';
import { StateError } from './errors.js';

/** Who holds a lock file; written before the lock file appears (see `acquire`). */
interface LockOwner {
  pid: number;
  host: string;
  nonce: string;
  /** Wall-clock ms when the lock was taken. */
  at: number;
}

export interface FileLockOptions {
  /**
   * Age (ms) after which a lock counts as abandoned even if its owner looks alive: for owners on
   * another host, or a reused pid. Far above any critical section (they take milliseconds). Default 30 s.
   */
  staleMs?: number;
  /** How long to wait for a busy lock before failing (ms). Default 30 s. */
  waitMs?: number;
}

function isErrno(error: unknown, code: string): boolean {
  // No `instanceof Error`: errors from node:fs may come from another realm (e.g. under jest's vm).
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error; // never guess that a lock is free because it could not be read
  }
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.nonce === 'string' && typeof owner.at === 'number') return owner as LockOwner;
  } catch {
    // Not JSON: not a lock this code wrote (ours appear complete, via `link`); judged by age below.
  }
  return { pid: 0, host: '', nonce: '', at: await modifiedAt(path) };
}

async function modifiedAt(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return Date.now();
    throw error;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return isErrno(error, 'EPERM');
  }
}

function isAbandoned(owner: LockOwner, staleMs: number): boolean {
  if (Date.now() - owner.at > staleMs) return true;
  return owner.host === hostname() && owner.pid > 0 && !processIsAlive(owner.pid);
}

/**
 * Removes the lock file only if it is still the abandoned `owner`'s. It is first renamed to a unique
 * name (atomic: of several breakers only one gets it), then checked; if a live process re-took the
 * lock between our look and the rename, its lock file is put back with `link` (which, like O_EXCL,
 * never overwrites).
 */
async function breakLock(path: string, owner: LockOwner): Promise<void> {
  const grave = `${path}.${randomUUID()}.broken`;
  try {
    await rename(path, grave);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return; // released or broken by someone else meanwhile
    throw error;
  }
  const moved = await readOwner(grave);
  if (moved?.nonce !== owner.nonce) {
    try {
      await link(grave, path);
    } catch (error) {
      // The slot was taken again meanwhile; the holder we displaced notices at `assertHeld` and aborts.
      if (!isErrno(error, 'EEXIST')) throw error;
    }
  }
  await removeIfPresent(grave);
}

/**
 * Takes the lock file at `path` (created atomically with `link`, which fails if it exists), runs `fn`,
 * and releases it. `fn` must call `assertHeld()` right before its commit step (the atomic rename):
 * it throws if the lock was broken as abandoned while this process stalled, so a stalled writer
 * never commits a compare-and-swap decided under a lock it no longer holds.
 *
 * A lock whose owner died (same host, pid gone) is broken at once; otherwise after `staleMs`.
 */
export async function withFileLock<T>(
  path: string,
  options: FileLockOptions,
  fn: (assertHeld: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const { staleMs = 30_000, waitMs = 30_000 } = options;
  const me = await acquire(path, staleMs, waitMs);
  const assertHeld = async () => {
    const holder = await readOwner(path);
    if (holder?.nonce !== me.nonce) {
      throw new StateError(
        'STATE_LOCK_FAILED',
        `Lost the lock ${path}: this process stalled for more than ${staleMs} ms and another took over. ` +
          'Nothing was written; retry the operation.',
      );
    }
  };
  try {
    return await fn(assertHeld);
  } finally {
    const holder = await readOwner(path);
    if (holder?.nonce === me.nonce) await removeIfPresent(path);
  }
}

async function acquire(path: string, staleMs: number, waitMs: number): Promise<LockOwner> {
  const me: LockOwner = { pid: process.pid, host: hostname(), nonce: randomUUID(), at: Date.now() };
  const draft = `${path}.${me.nonce}.tmp`;
  const deadline = Date.now() + waitMs;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        me.at = Date.now();
        await writeFile(draft, JSON.stringify(me));
        await link(draft, path);
        return me;
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw error;
      }
      const holder = await readOwner(path);
      if (holder && isAbandoned(holder, staleMs)) {
        await breakLock(path, holder);
        continue;
      }
      if (Date.now() > deadline) {
        throw new StateError(
          'STATE_LOCK_FAILED',
          `Timed out after ${waitMs} ms waiting for the lock ${path}` +
            (holder ? ` held by pid ${holder.pid} on ${holder.host}` : '') +
            '. If that process is gone for good, delete the lock file.',
        );
      }
      await jitteredBackoff(attempt, { baseMs: 1, maxMs: 25 });
    }
  } finally {
    // Once linked, the lock lives on under `path`; the draft name is only scaffolding.
    await removeIfPresent(draft);
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}
