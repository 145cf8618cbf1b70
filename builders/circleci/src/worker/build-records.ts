import {
  type ArchiveBuildLogOptions,
  type BuildChange,
  type BuildLogWriter,
  buildIdFor,
  nextBuildRecord,
  releaseIdFor,
} from '@slipway/builder-docker';
import type { Release } from '@slipway/core';
import { type BuildJob, buildJobId, buildKeyOf } from '@slipway/queue';
import { buildKey, KEEP_DOCUMENT, type Repositories } from '@slipway/state';
import type { Redis } from 'ioredis';

/** The ids of one run of a CircleCI build job: the same ones the native builder would use. */
export interface CircleciRun {
  job: BuildJob;
  /** The BullMQ job id, also the check run's external id. */
  jobId: string;
  buildId: string;
  releaseId: string;
  /** Ids for every log entry about this build. */
  fields: { tenant: string; service: string; commit: string; buildId: string };
}

export function circleciRunOf(job: BuildJob): CircleciRun {
  const key = buildKeyOf(job);
  const buildId = buildIdFor(key);
  return {
    job,
    jobId: buildJobId(key),
    buildId,
    releaseId: releaseIdFor(key),
    fields: { tenant: job.tenant, service: job.service, commit: job.commit, buildId },
  };
}

/** Applies `change` to the run's Build record (conditional), as the native builder does, with builder `circleci`. */
export async function recordCircleciBuild(
  builds: Repositories['builds'],
  run: CircleciRun,
  change: BuildChange,
): Promise<void> {
  await builds.update(buildKey({ tenant: run.job.tenant, id: run.buildId }), (current) => {
    const next = nextBuildRecord(run, current, change);
    return next === KEEP_DOCUMENT ? next : { ...next, builder: 'circleci' };
  });
}

/** The Release of a verified image: pinned by the registry's digest, with the GitHub origin for deploy feedback. */
export function releaseOf(run: CircleciRun, image: { reference: string; digest: string }, at: Date): Release {
  const { job } = run;
  return {
    id: run.releaseId,
    tenant: job.tenant,
    service: job.service,
    environment: job.environment,
    image: image.reference,
    digest: image.digest,
    config: job.config,
    commit: job.commit,
    buildId: run.buildId,
    origin: { installationId: job.installationId, repository: job.repository, ref: job.ref },
    createdAt: at.toISOString(),
  };
}

/** Where a finished build's live log is copied, so it outlives its Redis stream (as native builds' do). */
export function archiveOf(
  deps: { redis: Redis; repos: Pick<Repositories, 'buildLogs'> },
  log: BuildLogWriter,
): Pick<ArchiveBuildLogOptions, 'redis' | 'ref' | 'buildLogs'> {
  return { redis: deps.redis, ref: log.ref, buildLogs: deps.repos.buildLogs };
}
