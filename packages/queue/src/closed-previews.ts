import type { Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX } from './queue-names.js';

/** One pull request's preview: the tenant, and the repository and number of the pull request. */
export interface PreviewLine {
  tenant: string;
  repositoryId: number;
  number: number;
  /** Redis key prefix, as given to createQueues. Default `slipway`. */
  prefix?: string;
}

/** A closed pull request's builds may still be running: the mark outlives any of them. */
const CLOSED_TTL_S = 14 * 24 * 60 * 60;

export function closedPreviewKey(line: PreviewLine): string {
  return `${line.prefix ?? DEFAULT_KEY_PREFIX}:preview-closed:${line.tenant}:${line.repositoryId}:${line.number}`;
}

/**
 * Marks a pull request's preview closed (`closedAt`, ms): its teardown removes the services it
 * made, and a deploy of a build still running when it closed does not make them again.
 */
export async function markPreviewClosed(redis: Redis, line: PreviewLine, closedAt: number): Promise<void> {
  await redis.set(closedPreviewKey(line), String(closedAt), 'EX', CLOSED_TTL_S);
}

/** The pull request is open again: its preview may be built and deployed. */
export async function reopenPreview(redis: Redis, line: PreviewLine): Promise<void> {
  await redis.del(closedPreviewKey(line));
}

/** Whether the pull request's preview was closed (and not reopened since). */
export async function isPreviewClosed(redis: Redis, line: PreviewLine): Promise<boolean> {
  return (await redis.exists(closedPreviewKey(line))) === 1;
}

/**
 * The pull request number of a preview environment (`pr-<n>`), or undefined for any other. Pure.
 *
 * @example previewNumberOf('pr-12') // 12
 */
export function previewNumberOf(environment: string): number | undefined {
  const match = /^pr-(\d+)$/.exec(environment);
  return match ? Number(match[1]) : undefined;
}
