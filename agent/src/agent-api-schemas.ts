import {
  type AllocationEndpoint,
  type AllocationHealth,
  type AllocationSpec,
  policySchema,
} from '@slipway/core';
import { z } from 'zod';

// The controller's answers as the agent reads them: checked, so a malformed document is an error
// and never half-applied.

const resourcesSchema = z.looseObject({
  cpuMillicores: z.number().int().min(1),
  memoryMiB: z.number().int().min(1),
});

/** Core's `AllocationSpec`, checked field by field (the controller's schema passes specs through). */
export const allocationSpecSchema = z.looseObject({
  allocation: z.string().min(1),
  tenant: z.string().min(1),
  service: z.string().min(1),
  environment: z.string().min(1),
  release: z.string().min(1),
  slot: z.number().int().min(0),
  image: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  resources: resourcesSchema,
  env: z.record(z.string(), z.string()).default({}),
  secrets: z.array(z.string()).default([]),
  health: z.looseObject({ path: z.string(), intervalMs: z.number(), timeoutMs: z.number() }),
  privileged: z.boolean().optional(),
  capabilities: z.array(z.string()).optional(),
  hostVolumes: z
    .array(z.object({ hostPath: z.string(), containerPath: z.string(), readOnly: z.boolean() }))
    .optional(),
}) satisfies z.ZodType<AllocationSpec>;

export const desiredDocumentSchema = z.object({
  tenant: z.string(),
  host: z.string(),
  allocations: z.array(allocationSpecSchema),
});
export type DesiredDocument = z.infer<typeof desiredDocumentSchema>;

export const joinResponseSchema = z.object({
  host: z.looseObject({ id: z.string().min(1), tenant: z.string().min(1) }),
  hostToken: z.string().min(1),
});

export { policySchema };

export const credentialsResponseSchema = z.object({
  credentials: z
    .object({
      serveraddress: z.string().min(1),
      username: z.string().optional(),
      password: z.string().optional(),
      expiresAt: z.string().optional(),
    })
    .nullable(),
});

export const secretsResponseSchema = z.object({ values: z.record(z.string(), z.string()) });

/** One allocation as a heartbeat reports it (the controller's `hostObservedAllocationSchema`). */
export interface HeartbeatEntry {
  allocation: string;
  state: 'pending' | 'starting' | 'running' | 'unhealthy' | 'exited' | 'missing';
  containerId: string | null;
  message: string | null;
  at: string;
  /** Where the edge reaches the container (publish address and host port), when it has one. */
  endpoint?: AllocationEndpoint;
  /** The HTTP health check of a desired allocation's running container. */
  health?: AllocationHealth;
}

export interface JoinRequest {
  joinToken: string;
  name?: string;
  capacity: { cpuMillicores: number; memoryMiB: number };
  labels: { zone: string; pool: string };
}
