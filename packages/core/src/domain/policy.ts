import { z } from 'zod';
import { tenantIdSchema } from './names.js';
import { builderSchema } from './workload.js';

const count = z.int().min(0);

/** Per-tenant ceilings. cpu and memory are totals over all the tenant's running containers. */
export const policyLimitsSchema = z.object({
  hosts: count,
  services: count,
  replicasPerService: count,
  cpuMillicores: count,
  memoryMiB: count,
  concurrentBuilds: count,
  previews: count,
});
export type PolicyLimits = z.infer<typeof policyLimitsSchema>;

/** A Linux capability name as Docker takes it, e.g. `NET_ADMIN`. */
const capabilitySchema = z.string().regex(/^[A-Z][A-Z_]*$/);

/** What a tenant's services may do beyond the safe default. */
export const policyPermissionsSchema = z.object({
  publicLoadBalancers: z.boolean(),
  /** Absolute host paths (and everything under them) that services may mount. */
  hostVolumePaths: z.array(z.string().regex(/^\/\S*$/)),
  privileged: z.boolean(),
  capabilities: z.array(capabilitySchema),
  allowedBuilders: z.array(builderSchema),
  /** Registry hosts images may come from, e.g. `ghcr.io`; empty means only the platform's registry. */
  allowedRegistries: z.array(z.string().min(1).max(255)),
});
export type PolicyPermissions = z.infer<typeof policyPermissionsSchema>;

export const policySchema = z.object({
  tenant: tenantIdSchema,
  limits: policyLimitsSchema,
  permissions: policyPermissionsSchema,
});
export type Policy = z.infer<typeof policySchema>;

/** The policy of a new tenant: modest limits, nothing beyond the safe default allowed. */
export function defaultPolicy(tenant: string): Policy {
  return {
    tenant,
    limits: {
      hosts: 10,
      services: 20,
      replicasPerService: 10,
      cpuMillicores: 16_000,
      memoryMiB: 32_768,
      concurrentBuilds: 2,
      previews: 5,
    },
    permissions: {
      publicLoadBalancers: true,
      hostVolumePaths: [],
      privileged: false,
      capabilities: [],
      allowedBuilders: ['native'],
      allowedRegistries: [],
    },
  };
}
