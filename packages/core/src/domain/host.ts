import { z } from 'zod';
import { DNS_LABEL_PATTERN, recordIdSchema, tenantIdSchema } from './names.js';

export const HOST_STATUSES = ['ready', 'draining', 'lost'] as const;
/** ready: takes new allocations; draining: keeps what runs, takes nothing new; lost: missed its heartbeats. */
export const hostStatusSchema = z.enum(HOST_STATUSES);
export type HostStatus = z.infer<typeof hostStatusSchema>;

/**
 * A machine running the agent. Belongs to exactly one tenant. Durable: written when the host
 * joins, drains or leaves. Its heartbeats live in Redis with a TTL (DESIGN.md §4 rule 8).
 */
export const hostSchema = z.object({
  id: recordIdSchema,
  tenant: tenantIdSchema,
  capacity: z.object({ cpuMillicores: z.int().min(1), memoryMiB: z.int().min(1) }),
  /** Placement labels: spread across zones, pin to pools. */
  labels: z.object({
    zone: z.string().regex(DNS_LABEL_PATTERN),
    pool: z.string().regex(DNS_LABEL_PATTERN),
  }),
  status: hostStatusSchema,
});
export type Host = z.infer<typeof hostSchema>;
