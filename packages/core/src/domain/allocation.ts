import { z } from 'zod';
import {
  environmentNameSchema,
  recordIdSchema,
  serviceNameSchema,
  tenantIdSchema,
  timestampSchema,
} from './names.js';

export const OBSERVED_STATES = ['pending', 'starting', 'running', 'unhealthy', 'exited', 'missing'] as const;
export const observedStateSchema = z.enum(OBSERVED_STATES);
export type ObservedState = z.infer<typeof observedStateSchema>;

/**
 * What the agent last saw of an allocation's container. Lives in Redis with a TTL, reported with
 * each heartbeat — never in the durable store (DESIGN.md §4 rule 8).
 */
export const observedAllocationSchema = z.object({
  state: observedStateSchema,
  containerId: z.string().max(128).nullable(),
  /** The agent's words for the state, e.g. an exit code or the last health check failure. */
  message: z.string().max(2000).nullable(),
  at: timestampSchema,
});
export type ObservedAllocation = z.infer<typeof observedAllocationSchema>;

/** One desired container instance. `slot` numbers replicas 0…n-1 so replacements keep their identity. */
export const allocationSchema = z.object({
  id: recordIdSchema,
  tenant: tenantIdSchema,
  service: serviceNameSchema,
  environment: environmentNameSchema,
  release: recordIdSchema,
  host: recordIdSchema,
  slot: z.int().min(0),
});
export type Allocation = z.infer<typeof allocationSchema>;
