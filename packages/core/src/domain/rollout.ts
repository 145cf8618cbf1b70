import { z } from 'zod';
import {
  environmentNameSchema,
  recordIdSchema,
  serviceNameSchema,
  tenantIdSchema,
  timestampSchema,
} from './names.js';

export const ROLLOUT_STEP_ACTIONS = ['start', 'wait-healthy', 'stop'] as const;
export const STEP_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export const ROLLOUT_PHASES = ['deploy', 'rollback'] as const;

/**
 * One step of a rollout: `start` / `stop` change how many replicas of `release` run, by
 * `replicas`; `wait-healthy` holds until `replicas` of `release` pass their health check.
 */
export const rolloutStepSchema = z.object({
  action: z.enum(ROLLOUT_STEP_ACTIONS),
  release: recordIdSchema,
  replicas: z.int().min(0),
  /** Steps appended when the deploy failed and the rollout went back are `rollback` steps. */
  phase: z.enum(ROLLOUT_PHASES),
  status: z.enum(STEP_STATUSES),
  startedAt: timestampSchema.nullable(),
});
export type RolloutStep = z.infer<typeof rolloutStepSchema>;

export const ROLLOUT_STATUSES = ['running', 'rolling-back', 'succeeded', 'failed', 'cancelled'] as const;
/**
 * running → succeeded; running → rolling-back (a health gate failed or the deadline passed) →
 * failed (the previous release serves again); cancelled: a newer release superseded it.
 */
export const rolloutStatusSchema = z.enum(ROLLOUT_STATUSES);
export type RolloutStatus = z.infer<typeof rolloutStatusSchema>;

/** The move of a service from one release to another, in steps, recorded as it goes. */
export const rolloutSchema = z.object({
  id: recordIdSchema,
  tenant: tenantIdSchema,
  service: serviceNameSchema,
  environment: environmentNameSchema,
  /** The release that served before and that a failure rolls back to; null for a first deploy. */
  fromRelease: recordIdSchema.nullable(),
  toRelease: recordIdSchema,
  /** Replicas of `toRelease` at the end. */
  replicas: z.int().min(0),
  /** Replicas per release when the rollout began (several after a superseded rollout). */
  baseline: z.record(recordIdSchema, z.int().min(0)),
  steps: z.array(rolloutStepSchema),
  status: rolloutStatusSchema,
  /** Why it failed or was rolled back or cancelled. */
  reason: z.string().nullable(),
  createdAt: timestampSchema,
  finishedAt: timestampSchema.nullable(),
});
export type Rollout = z.infer<typeof rolloutSchema>;
