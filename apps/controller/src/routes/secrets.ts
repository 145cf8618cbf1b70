import { environmentNameSchema, serviceNameSchema, tenantIdSchema } from '@slipway/core';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { ApiError } from '../api/errors.js';
import { defineRoute } from '../api/route.js';

const serviceParams = z.object({
  tenant: tenantIdSchema,
  environment: environmentNameSchema,
  service: serviceNameSchema,
});
/** A secret's name in a URL; shared by service and tenant secrets (`@slipway/secrets` checks it again). */
export const secretNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an env var name: letters, digits and _, not starting with a digit')
  .max(256);
/** The body that sets a secret: its value, at most 64 KiB. */
export const secretValueBody = z.object({ value: z.string().max(65_536, 'at most 64 KiB') });
/** What listing secrets shows: names and times, never values. */
export const secretListing = z.object({
  items: z.array(z.object({ name: z.string(), updatedAt: z.string() })),
});

const secretParams = serviceParams.extend({ name: secretNameSchema });
const base = '/v1/tenants/:tenant/environments/:environment/services/:service/secrets';

export const secretRoutes = [
  defineRoute({
    id: 'secrets.list',
    method: 'GET',
    url: base,
    summary: "The names of a service's secret env vars (values are never returned)",
    tags: ['secrets'],
    auth: auth.viewer,
    params: serviceParams,
    response: secretListing,
    handler: async ({ params, services }) => ({ items: await services.secrets.listNames(params) }),
  }),
  defineRoute({
    id: 'secrets.set',
    method: 'PUT',
    url: `${base}/:name`,
    summary: 'Set a secret env var; it is encrypted at rest and injected only into this service',
    tags: ['secrets'],
    auth: auth.developer,
    params: secretParams,
    body: secretValueBody,
    auditTarget: ({ params }) => ({
      type: 'secret',
      id: `${params.environment}/${params.service}/${params.name}`,
    }),
    handler: async ({ params, body, services }) => {
      const { name, ...ref } = params;
      await services.secrets.set(ref, name, body.value);
      return undefined;
    },
  }),
  defineRoute({
    id: 'secrets.delete',
    method: 'DELETE',
    url: `${base}/:name`,
    summary: 'Delete a secret env var',
    tags: ['secrets'],
    auth: auth.developer,
    params: secretParams,
    auditTarget: ({ params }) => ({
      type: 'secret',
      id: `${params.environment}/${params.service}/${params.name}`,
    }),
    handler: async ({ params, services }) => {
      const { name, ...ref } = params;
      if (!(await services.secrets.delete(ref, name))) throw ApiError.notFound(`secret '${name}'`);
      return undefined;
    },
  }),
];
