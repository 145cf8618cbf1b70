import { environmentNameSchema, repositorySchema, serviceNameSchema } from '@slipway/core';
import { z } from 'zod';

/**
 * `POST …/services`: either `slipwayYaml` (with `environment`, `services`, `repo`) or one image
 * service (`name`, `image` and its settings, written as in slipway.yaml). The settings are only
 * loosely typed here: slipway.yaml's own schema checks them, so units (`256Mi`, `250m`) and
 * messages are the same in both forms.
 */
export const createServicesBody = z
  .object({
    slipwayYaml: z
      .string()
      .max(256 * 1024)
      .optional()
      .describe('The text of a slipway.yaml'),
    environment: environmentNameSchema
      .optional()
      .describe(
        "Where the services go; default: the environment slipway.yaml maps 'main' to (else production)",
      ),
    services: z
      .array(serviceNameSchema)
      .min(1)
      .optional()
      .describe('Only these services of slipway.yaml (default: all)'),
    repo: repositorySchema
      .optional()
      .describe(
        '`owner/name` on GitHub that build services are built from (needed when slipway.yaml has build: services)',
      ),
    name: serviceNameSchema.optional().describe('Image form: the service name'),
    image: z.string().optional().describe("Image form: the image to run, e.g. 'ghcr.io/acme/web:v2'"),
    port: z.int().optional(),
    replicas: z.int().optional(),
    cpu: z.union([z.string(), z.number()]).optional().describe("Per replica: '250m' or 0.5"),
    memory: z.string().optional().describe("Per replica: '256Mi', '1Gi'"),
    env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    secrets: z.array(z.string()).optional(),
    domains: z.array(z.string()).optional(),
    visibility: z.string().optional().describe("'public' or 'internal'"),
    health: z
      .object({
        path: z.string().optional(),
        interval: z.string().optional(),
        timeout: z.string().optional(),
      })
      .optional(),
  })
  .strict()
  .meta({ id: 'CreateServices' });
export type CreateServicesBody = z.infer<typeof createServicesBody>;
