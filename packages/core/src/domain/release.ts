import { z } from 'zod';
import {
  commitShaSchema,
  environmentNameSchema,
  imageDigestSchema,
  imageReferenceSchema,
  recordIdSchema,
  serviceNameSchema,
  tenantIdSchema,
  timestampSchema,
} from './names.js';
import { envMapSchema, healthCheckSchema, resourcesSchema, secretRefsSchema } from './workload.js';

/** What a release runs with, frozen when the release is made. Replicas are scaling, not a release. */
export const releaseConfigSchema = z.object({
  port: z.int().min(1).max(65535),
  resources: resourcesSchema,
  health: healthCheckSchema,
  env: envMapSchema,
  secrets: secretRefsSchema,
});
export type ReleaseConfig = z.infer<typeof releaseConfigSchema>;

/**
 * Where a built release came from on GitHub, so the GitHub App can report its rollout on the
 * commit ("Slipway deploy / <service>"). Ids and names only: never a token.
 */
export const releaseOriginSchema = z.object({
  installationId: z.int().positive(),
  repository: z.object({
    id: z.int().positive(),
    /** `owner/name`. */
    fullName: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'owner/name'),
  }),
  /** The ref that was pushed, e.g. `refs/heads/main` or `refs/pull/7/head`. */
  ref: z.string().min(1),
});
export type ReleaseOrigin = z.infer<typeof releaseOriginSchema>;

/**
 * Immutable: deploying makes a release current, rollback makes an older one current again;
 * a release itself never changes (parsed values are frozen).
 */
export const releaseSchema = z
  .object({
    id: recordIdSchema,
    tenant: tenantIdSchema,
    service: serviceNameSchema,
    environment: environmentNameSchema,
    /** The image as pushed, e.g. `127.0.0.1:5000/acme/web:3f2c…`. */
    image: imageReferenceSchema,
    /**
     * The content digest the agents pull, so a moved tag cannot change a release. Null only for
     * an image service whose registry could not be asked when the release was made: then the
     * agents pull `image` as it is.
     */
    digest: imageDigestSchema.nullable(),
    config: releaseConfigSchema,
    /** Null for services that run an existing image. */
    commit: commitShaSchema.nullable(),
    buildId: recordIdSchema.nullable(),
    /** Set by the builders; absent for image releases and releases recorded before it existed. */
    origin: releaseOriginSchema.optional(),
    createdAt: timestampSchema,
  })
  .readonly();
export type Release = z.infer<typeof releaseSchema>;
