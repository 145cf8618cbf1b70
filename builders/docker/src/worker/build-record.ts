import { type Build, type BuildStatus, canMoveBuild } from '@slipway/core';
import { buildKey, KEEP_DOCUMENT, type Repository } from '@slipway/state';
import type { BuildRun } from './build-run.js';

/** What happened to a build: it (re)started, or it ended one way or another. */
export type BuildChange =
  | { status: 'running'; at: Date }
  | { status: 'succeeded'; at: Date; releaseId: string }
  | { status: 'failed'; at: Date; error: string }
  | { status: 'cancelled'; at: Date };

/** The Build schema caps `error` at 2000 characters. */
const MAX_ERROR_CHARS = 2000;

/**
 * The Build record after `change`, or KEEP_DOCUMENT when it must not change: a finished build
 * never changes again, and a retried attempt that starts again keeps its first `startedAt`.
 * A build that ends before it ever ran (superseded in the queue, refused by policy) is created
 * already finished, with `startedAt` null. Pure.
 */
export function nextBuildRecord(
  run: Pick<BuildRun, 'job' | 'buildId'>,
  current: Build | undefined,
  change: BuildChange,
): Build | typeof KEEP_DOCUMENT {
  const at = change.at.toISOString();
  const from: BuildStatus = current?.status ?? 'queued';
  if (current && from === change.status) return KEEP_DOCUMENT;
  if (!canMoveBuild(from, change.status)) return KEEP_DOCUMENT;
  const { job } = run;
  const base: Build = current ?? {
    id: run.buildId,
    tenant: job.tenant,
    service: job.service,
    environment: job.environment,
    commit: job.commit,
    builder: 'native',
    status: 'queued',
    createdAt: at,
    startedAt: null,
    finishedAt: null,
    error: null,
    attempt: job.attempt ?? 1,
    ref: job.ref,
    releaseId: null,
  };
  if (change.status === 'running') return { ...base, status: 'running', startedAt: base.startedAt ?? at };
  return {
    ...base,
    status: change.status,
    finishedAt: at,
    error: change.status === 'failed' ? change.error.slice(0, MAX_ERROR_CHARS) : null,
    releaseId: change.status === 'succeeded' ? change.releaseId : base.releaseId,
  };
}

/** Applies `change` to the run's Build record (a conditional read-modify-write). */
export async function recordBuild(
  builds: Repository<Build>,
  run: BuildRun,
  change: BuildChange,
): Promise<void> {
  await builds.update(buildKey({ tenant: run.job.tenant, id: run.buildId }), (current) =>
    nextBuildRecord(run, current, change),
  );
}
