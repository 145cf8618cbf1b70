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

export const HEALTH_STATUSES = ['unknown', 'passing', 'failing'] as const;
export const healthStatusSchema = z.enum(HEALTH_STATUSES);
export type HealthStatus = z.infer<typeof healthStatusSchema>;

/** Where the edge reaches an allocation's container: the host address and port it is published on. */
export const allocationEndpointSchema = z.object({
  address: z.union([z.ipv4(), z.ipv6(), z.hostname()]).describe('IP address or host name'),
  port: z.int().min(1).max(65535),
});
export type AllocationEndpoint = z.infer<typeof allocationEndpointSchema>;

/**
 * The agent's HTTP health check of a running container (the service's `health` path). `unknown`
 * until the first check; `passing`/`failing` is the last check's result, while the allocation's
 * `state` applies the failure threshold (running → unhealthy only after several failures).
 */
export const allocationHealthSchema = z.object({
  status: healthStatusSchema,
  consecutiveFailures: z.int().min(0),
  lastCheckAt: timestampSchema.nullable(),
  lastError: z.string().max(2000).nullable(),
});
export type AllocationHealth = z.infer<typeof allocationHealthSchema>;

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
  /** Absent while the container has no published port (not created, or exited). */
  endpoint: allocationEndpointSchema.optional(),
  /** Absent while the agent does not check it (no running container, or no longer desired). */
  health: allocationHealthSchema.optional(),
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
