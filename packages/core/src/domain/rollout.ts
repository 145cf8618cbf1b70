import { z } from 'zod';
import {
  environmentNameSchema,
  recordIdSchema,
  serviceNameSchema,
  tenantIdSchema,
  timestampSchema,
} from './names.js';

export const ROLLOUT_STEP_ACTIONS = ['start-new', 'wait-healthy', 'switch-traffic', 'stop-old'] as const;
export const STEP_STATUSES = ['pending', 'running', 'done', 'failed'] as const;

/** One step of a rollout, e.g. start 2 replicas of the new release, then wait until they are healthy. */
export const rolloutStepSchema = z.object({
  action: z.enum(ROLLOUT_STEP_ACTIONS),
  /** How many replicas the step concerns. */
  replicas: z.int().min(0),
  status: z.enum(STEP_STATUSES),
});
export type RolloutStep = z.infer<typeof rolloutStepSchema>;

export const ROLLOUT_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const rolloutStatusSchema = z.enum(ROLLOUT_STATUSES);
export type RolloutStatus = z.infer<typeof rolloutStatusSchema>;

/** The move of a service from one release to another, in steps. */
export const rolloutSchema = z.object({
  id: recordIdSchema,
  tenant: tenantIdSchema,
  service: serviceNameSchema,
  environment: environmentNameSchema,
  /** Null for the first deploy of a service. */
  fromRelease: recordIdSchema.nullable(),
  toRelease: recordIdSchema,
  steps: z.array(rolloutStepSchema),
  status: rolloutStatusSchema,
  createdAt: timestampSchema,
  finishedAt: timestampSchema.nullable(),
});
export type Rollout = z.infer<typeof rolloutSchema>;
