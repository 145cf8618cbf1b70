import { z } from 'zod';
import { environmentNameSchema, recordIdSchema, serviceNameSchema, tenantIdSchema } from './names.js';
import {
  domainsSchema,
  envMapSchema,
  healthCheckSchema,
  resourcesSchema,
  secretRefsSchema,
  serviceSourceSchema,
  visibilitySchema,
} from './workload.js';

/** A long-running container workload of a tenant in one environment. */
export const serviceSchema = z.object({
  tenant: tenantIdSchema,
  environment: environmentNameSchema,
  name: serviceNameSchema,
  source: serviceSourceSchema,
  port: z.int().min(1).max(65535),
  replicas: z.int().min(0),
  resources: resourcesSchema,
  health: healthCheckSchema,
  env: envMapSchema,
  secrets: secretRefsSchema,
  domains: domainsSchema,
  visibility: visibilitySchema,
  /**
   * The current Release: what the scheduler runs. Null until the first build (or image) is
   * released; deploying sets it, rollback sets an older one.
   */
  release: recordIdSchema.nullable().default(null),
});
export type Service = z.infer<typeof serviceSchema>;
