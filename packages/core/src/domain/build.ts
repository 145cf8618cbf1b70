import { z } from 'zod';
import {
  commitShaSchema,
  environmentNameSchema,
  recordIdSchema,
  serviceNameSchema,
  tenantIdSchema,
  timestampSchema,
} from './names.js';
import { builderSchema } from './workload.js';

export const BUILD_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const buildStatusSchema = z.enum(BUILD_STATUSES);
export type BuildStatus = z.infer<typeof buildStatusSchema>;

const NEXT_BUILD_STATUSES: Record<BuildStatus, readonly BuildStatus[]> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

/** Whether a build may move from one status to another: queued → running → succeeded|failed|cancelled. */
export function canMoveBuild(from: BuildStatus, to: BuildStatus): boolean {
  return NEXT_BUILD_STATUSES[from].includes(to);
}

/** A build that has finished, one way or another, and will not change again. */
export function isFinishedBuild(status: BuildStatus): boolean {
  return NEXT_BUILD_STATUSES[status].length === 0;
}

/** One commit of one service turned into one image. Logs live in the log stream keyed by the build id. */
export const buildSchema = z.object({
  id: recordIdSchema,
  tenant: tenantIdSchema,
  service: serviceNameSchema,
  environment: environmentNameSchema,
  commit: commitShaSchema,
  builder: builderSchema,
  status: buildStatusSchema,
  createdAt: timestampSchema,
  startedAt: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
  /** Why it failed, in words for the user; null unless failed. */
  error: z.string().max(2000).nullable(),
  /** 1 for the first run of this commit; a re-run (check_run.rerequested) counts up. */
  attempt: z.int().min(1).default(1),
  /** The branch or tag ref that was pushed, e.g. `refs/heads/main`. */
  ref: z.string().max(255).nullable().default(null),
  /** The Release it recorded; null until it succeeds. */
  releaseId: recordIdSchema.nullable().default(null),
});
export type Build = z.infer<typeof buildSchema>;

/**
 * A finished build's log, copied from its live Redis stream into the state store so it outlives
 * the stream's TTL. Written once, when the build ends.
 */
export const buildLogArchiveSchema = z.object({
  tenant: tenantIdSchema,
  /** The build's id (also the document's name). */
  id: recordIdSchema,
  status: buildStatusSchema,
  lines: z.array(z.string()),
  /** True when the live stream had dropped its oldest lines (it keeps about 10,000). */
  truncated: z.boolean(),
  finishedAt: timestampSchema,
});
export type BuildLogArchive = z.infer<typeof buildLogArchiveSchema>;
