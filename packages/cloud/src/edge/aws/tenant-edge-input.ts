import {
  environmentNameSchema,
  hostnameSchema,
  serviceNameSchema,
  type TenantEdgeInput,
  tenantIdSchema,
} from '@slipway/core';
import { z } from 'zod';
import { EdgeError } from '../edge-error.js';

const port = z.int().min(1).max(65535);
const target = z.object({ address: z.ipv4(), port });

const serviceSchema = z
  .object({
    service: serviceNameSchema,
    environment: environmentNameSchema,
    visibility: z.enum(['public', 'internal']),
    port,
    hostnames: z.array(z.string().max(253)),
    health: z.object({
      // An ALB health check path: at most 1,024 characters, printable, starting with '/'.
      path: z
        .string()
        .max(1024)
        .regex(/^\/[\x21-\x7e]*$/),
      intervalMs: z.int().min(1),
      timeoutMs: z.int().min(1),
    }),
    drainMs: z.int().min(0),
    targets: z.array(target),
    extraPorts: z
      .array(
        z.object({
          listenerPort: port,
          protocol: z.enum(['HTTP', 'HTTPS']),
          containerPort: port,
          targets: z.array(target),
        }),
      )
      .optional(),
  })
  .refine(
    (service) =>
      service.hostnames.every(
        (name) => hostnameSchema.safeParse(name.toLowerCase().replace(/\.$/, '')).success,
      ),
    {
      message: 'host names (lowercase DNS names with at least two labels)',
      path: ['hostnames'],
    },
  );

export const tenantEdgeInputSchema = z.object({
  tenant: tenantIdSchema,
  zone: z.object({
    hostedZoneId: z.string().regex(/^[A-Z0-9]{1,32}$/, 'a Route53 hosted zone id like Z0123456789ABC'),
    domain: hostnameSchema,
  }),
  publicLoadBalancers: z.boolean(),
  services: z.array(serviceSchema),
});

/**
 * Checks every tenant before anything is read or changed: names go into AWS calls and tags, so
 * each is checked first. One bad tenant refuses the whole update (nothing changes), as the local
 * edge does with a bad route — skipping it would look like a deleted tenant and tear it down.
 */
export function parseTenantEdgeInputs(tenants: readonly TenantEdgeInput[]): TenantEdgeInput[] {
  const seen = new Set<string>();
  return tenants.map((tenant, index) => {
    const result = tenantEdgeInputSchema.safeParse(tenant);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new EdgeError(
        'EDGE_INVALID_ROUTE',
        `tenant ${tenant?.tenant ?? '?'} (entry ${index}): ${issue?.path.join('.') ?? ''} must be ${issue?.message ?? 'valid'}; nothing was changed.`,
      );
    }
    if (seen.has(result.data.tenant))
      throw new EdgeError(
        'EDGE_INVALID_ROUTE',
        `tenant ${result.data.tenant} is listed twice; nothing was changed.`,
      );
    seen.add(result.data.tenant);
    const services = new Set<string>();
    for (const service of result.data.services) {
      const key = `${service.environment}/${service.service}`;
      if (services.has(key))
        throw new EdgeError(
          'EDGE_INVALID_ROUTE',
          `tenant ${result.data.tenant}: service ${key} is listed twice; nothing was changed.`,
        );
      services.add(key);
    }
    return result.data as TenantEdgeInput;
  });
}
