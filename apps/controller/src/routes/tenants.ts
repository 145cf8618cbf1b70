import { tenantIdSchema, tenantSchema } from '@slipway/core';
import { ConflictError, hostsPrefix, listAll, servicesPrefix, tenantKey, tenantPrefix } from '@slipway/state';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { ApiError } from '../api/errors.js';
import { pageQuerySchema, pageSchema, paginate } from '../api/pagination.js';
import { defineRoute } from '../api/route.js';

const tenantParams = z.object({ tenant: tenantIdSchema });
const tenantView = tenantSchema.meta({ id: 'Tenant' });

export const tenantRoutes = [
  defineRoute({
    id: 'tenants.create',
    method: 'POST',
    url: '/v1/tenants',
    summary: 'Create a tenant, with its first owners',
    tags: ['tenants'],
    auth: auth.admin,
    body: z.object({
      id: tenantIdSchema,
      name: z.string().min(1).max(200),
      owners: z.array(z.string().min(1)).max(20).default([]).describe('User ids to make owners'),
    }),
    response: tenantView,
    auditTarget: ({ body }) => ({ type: 'tenant', id: body.id }),
    handler: async ({ body, services }) => {
      for (const owner of body.owners) {
        if (!(await services.users.get(owner)))
          throw ApiError.invalid(`user '${owner}' does not exist`, [
            { path: 'body.owners', message: `no user '${owner}'; users appear when they first sign in` },
          ]);
      }
      const tenant = {
        id: body.id,
        name: body.name,
        members: [...new Set(body.owners)].map((user) => ({ user, role: 'owner' as const })),
        githubInstallations: [],
        createdAt: new Date(services.now()).toISOString(),
      };
      try {
        await services.repos.tenants.create(tenant);
      } catch (error) {
        if (error instanceof ConflictError) throw ApiError.conflict(`tenant '${body.id}' already exists`);
        throw error;
      }
      return tenant;
    },
  }),
  defineRoute({
    id: 'tenants.list',
    method: 'GET',
    url: '/v1/tenants',
    summary: 'Tenants the caller belongs to (all of them for admins)',
    tags: ['tenants'],
    auth: auth.user,
    query: pageQuerySchema,
    response: pageSchema(tenantView),
    handler: async ({ query, caller, services }) => {
      const principal = caller.principal!;
      const { documents } = await services.repos.tenants.scan('tenants/');
      const visible = documents
        .map((d) => d.value)
        .filter(
          (t) =>
            principal.kind === 'user' &&
            (principal.admin || t.members.some((m) => m.user === principal.user.id)),
        )
        .filter((t) => principal.kind !== 'user' || !principal.scope || principal.scope.tenant === t.id);
      return paginate(visible, (t) => t.id, query);
    },
  }),
  defineRoute({
    id: 'tenants.get',
    method: 'GET',
    url: '/v1/tenants/:tenant',
    summary: 'One tenant',
    tags: ['tenants'],
    auth: auth.viewer,
    params: tenantParams,
    response: tenantView,
    handler: async ({ tenant }) => tenant!.value,
  }),
  defineRoute({
    id: 'tenants.delete',
    method: 'DELETE',
    url: '/v1/tenants/:tenant',
    summary: 'Delete an empty tenant (no services, no hosts)',
    tags: ['tenants'],
    auth: auth.tenantAdmin,
    params: tenantParams,
    auditTarget: ({ params }) => ({ type: 'tenant', id: params.tenant }),
    handler: async ({ params, tenant, services }) => {
      for (const [prefix, what] of [
        [servicesPrefix(params.tenant), 'services'],
        [hostsPrefix(params.tenant), 'hosts'],
      ] as const) {
        const page = await services.store.list(prefix, { limit: 1 });
        if (page.items.length > 0)
          throw ApiError.conflict(`tenant '${params.tenant}' still has ${what}; delete them first`);
      }
      await services.repos.tenants.delete(tenantKey(params.tenant), { ifMatch: tenant!.etag });
      // The rest of the tenant's documents (policy, secrets, tokens' records) go with it; the audit log stays.
      const keys: string[] = [];
      for await (const { key } of listAll(services.store, tenantPrefix(params.tenant))) keys.push(key);
      for (const key of keys) await services.store.delete(key);
      return undefined;
    },
  }),
];
