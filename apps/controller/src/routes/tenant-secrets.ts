import { tenantIdSchema } from '@slipway/core';
import { tenantRef } from '@slipway/secrets';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { ApiError } from '../api/errors.js';
import { defineRoute } from '../api/route.js';
import { secretListing, secretNameSchema, secretValueBody } from './secrets.js';

const tenantParams = z.object({ tenant: tenantIdSchema });
const secretParams = tenantParams.extend({ name: secretNameSchema });
const base = '/v1/tenants/:tenant/secrets';

/** Audit ids of tenant secrets: `tenant/<NAME>`, two parts where a service secret's has three. */
const auditTarget = ({ params }: { params: { name: string } }) => ({
  type: 'secret',
  id: `tenant/${params.name}`,
});

/**
 * Tenant secrets: credentials Slipway uses on the tenant's behalf (a builder's CI token, a webhook
 * secret). Write-only like service secrets, but set by owners, and never injected into a container
 * (the injection path reads service scopes only).
 */
export const tenantSecretRoutes = [
  defineRoute({
    id: 'tenant-secrets.list',
    method: 'GET',
    url: base,
    summary: "The names of the tenant's own secrets (values are never returned)",
    tags: ['secrets'],
    auth: auth.viewer,
    params: tenantParams,
    response: secretListing,
    handler: async ({ params, services }) => ({
      items: await services.secrets.listNames(tenantRef(params.tenant)),
    }),
  }),
  defineRoute({
    id: 'tenant-secrets.set',
    method: 'PUT',
    url: `${base}/:name`,
    summary:
      'Set a tenant secret; it is encrypted at rest, used by Slipway only, and never injected into a container',
    tags: ['secrets'],
    auth: auth.owner,
    params: secretParams,
    body: secretValueBody,
    auditTarget,
    handler: async ({ params, body, services }) => {
      await services.secrets.set(tenantRef(params.tenant), params.name, body.value);
      return undefined;
    },
  }),
  defineRoute({
    id: 'tenant-secrets.delete',
    method: 'DELETE',
    url: `${base}/:name`,
    summary: 'Delete a tenant secret',
    tags: ['secrets'],
    auth: auth.owner,
    params: secretParams,
    auditTarget,
    handler: async ({ params, services }) => {
      if (!(await services.secrets.delete(tenantRef(params.tenant), params.name)))
        throw ApiError.notFound(`tenant secret '${params.name}'`);
      return undefined;
    },
  }),
];
