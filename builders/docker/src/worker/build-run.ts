import { type BuildJob, type BuildLine, buildJobId, buildKeyOf } from '@slipway/queue';
import type { BuildFeedbackTarget } from '../feedback/build-feedback.js';
import { buildIdFor, releaseIdFor } from './build-ids.js';
import type { BuildJobDeps } from './build-job-deps.js';
import { BuildLogWriter } from './build-log-writer.js';

/** Everything one run of one build job is known by, worked out once at its start. */
export interface BuildRun {
  job: BuildJob;
  /** The BullMQ job id (`tenant.service.sha[.a<n>]`), also the check run's external_id. */
  jobId: string;
  /** Per attempt of the commit: a re-run gets a fresh id, log stream and Build record. */
  buildId: string;
  /** Per tenant, service and commit: every attempt finds the same Release. */
  releaseId: string;
  /** The build line whose latest commit decides whether this build is superseded. */
  line: BuildLine;
  log: BuildLogWriter;
  target: BuildFeedbackTarget;
  /** Ids for every log entry about this build. */
  fields: { tenant: string; service: string; commit: string; buildId: string };
  /** When this attempt began (ms), for the duration in the summary. */
  startedAt: number;
}

/** The ids, log stream and feedback target of a (validated) build job. */
export function openBuildRun(
  job: BuildJob,
  deps: Pick<BuildJobDeps, 'redis' | 'prefix'>,
  now: Date,
): BuildRun {
  const key = buildKeyOf(job);
  const buildId = buildIdFor(key);
  const jobId = buildJobId(key);
  const prefix = deps.prefix === undefined ? {} : { prefix: deps.prefix };
  return {
    job,
    jobId,
    buildId,
    releaseId: releaseIdFor(key),
    line: { tenant: job.tenant, service: job.service, ref: job.ref, ...prefix },
    log: new BuildLogWriter(deps.redis, { tenant: job.tenant, buildId, ...prefix }),
    target: { job, jobId, buildId },
    fields: { tenant: job.tenant, service: job.service, commit: job.commit, buildId },
    startedAt: now.getTime(),
  };
}
