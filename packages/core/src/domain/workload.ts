import { z } from 'zod';
import {
  envVarNameSchema,
  hostnameSchema,
  imageReferenceSchema,
  relativePathSchema,
  repositorySchema,
} from './names.js';

// The normalised building blocks of a service: units are plain numbers (millicores, MiB, ms).

export const VISIBILITIES = ['public', 'internal'] as const;
/** `public`: reachable from the internet through the tenant's load balancer; `internal`: only from the tenant's hosts. */
export const visibilitySchema = z.enum(VISIBILITIES);
export type Visibility = z.infer<typeof visibilitySchema>;

export const BUILDERS = ['native', 'circleci'] as const;
/** `native`: Slipway's Docker build workers; `circleci`: the build is handed off to CircleCI. */
export const builderSchema = z.enum(BUILDERS);
export type Builder = z.infer<typeof builderSchema>;

/** Limits of one container. */
export const resourcesSchema = z.object({
  cpuMillicores: z.int().min(1),
  /** Docker refuses memory limits under 6 MB. */
  memoryMiB: z.int().min(6),
});
export type Resources = z.infer<typeof resourcesSchema>;

/** HTTP health check: GET `path` every `intervalMs`, failing after `timeoutMs` (< intervalMs). */
export const healthCheckSchema = z
  .object({
    path: z.string().startsWith('/'),
    intervalMs: z.int().min(1),
    timeoutMs: z.int().min(1),
  })
  .refine((health) => health.timeoutMs < health.intervalMs, {
    message: 'timeoutMs must be shorter than intervalMs',
    path: ['timeoutMs'],
  });
export type HealthCheck = z.infer<typeof healthCheckSchema>;

/** Plain environment variables. Secrets are never stored here, only referenced by name. */
export const envMapSchema = z.record(envVarNameSchema, z.string());
export type EnvMap = z.infer<typeof envMapSchema>;

/** Names of tenant secrets exposed to the container as environment variables of the same name. */
export const secretRefsSchema = z.array(envVarNameSchema);

/** Where a service's image comes from: built from a repository, or an existing image. */
export const serviceSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('build'),
    repo: repositorySchema,
    /** The build context inside the repository. */
    path: relativePathSchema,
    dockerfile: relativePathSchema,
    args: envMapSchema,
    builder: builderSchema,
  }),
  z.object({ kind: z.literal('image'), image: imageReferenceSchema }),
]);
export type ServiceSource = z.infer<typeof serviceSourceSchema>;

export const domainsSchema = z.array(hostnameSchema);
