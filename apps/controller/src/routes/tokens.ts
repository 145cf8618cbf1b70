import { memberRoleSchema, tenantIdSchema } from '@slipway/core';
import { roleAtLeast } from '@slipway/identity';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { ApiError } from '../api/errors.js';
import { defineRoute } from '../api/route.js';

const day = 24 * 60 * 60 * 1000;

const tokenView = z
  .object({
    id: z.string(),
    name: z.string(),
    user: z.string(),
    tenant: z.string().optional(),
    role: memberRoleSchema.optional(),
    admin: z.boolean(),
    createdAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: 'ApiToken' });

const createdToken = tokenView.extend({
  token: z.string().describe('The bearer token. It is shown this once and cannot be read again.'),
});

const expiry = z.int().min(1).max(365).default(90).describe('Days until the token expires (1–365)');

/** The record as the API shows it: zod drops the hash and every other field the view does not name. */
function view(record: z.input<typeof tokenView>): z.infer<typeof tokenView> {
  return tokenView.parse(record);
}

export const tokenRoutes = [
  defineRoute({
    id: 'tokens.create',
    method: 'POST',
    url: '/v1/tenants/:tenant/tokens',
    summary: 'Create an API token for yourself in this tenant, with your role or a lower one',
    tags: ['tokens'],
    auth: auth.viewer,
    params: z.object({ tenant: tenantIdSchema }),
    body: z.object({
      name: z.string().min(1).max(100),
      role: memberRoleSchema.optional(),
      expiresInDays: expiry,
    }),
    response: createdToken,
    auditTarget: ({ params }) => ({ type: 'tenant', id: params.tenant }),
    handler: async ({ params, body, caller, services, auditDetails }) => {
      const principal = caller.principal;
      if (principal?.kind !== 'user') throw ApiError.forbidden('only users create API tokens');
      if (caller.role === 'admin') {
        throw ApiError.forbidden(
          'an admin token makes admin tokens (POST /v1/admin/tokens); to make a tenant token, use a member token',
        );
      }
      const own = caller.role!;
      const role = body.role ?? own;
      if (!roleAtLeast(own, role)) {
        throw ApiError.forbidden(
          `your role in '${params.tenant}' is ${own}; a token cannot have more (${role})`,
        );
      }
      const now = services.now();
      const { token, record } = await services.tokens.createApiToken({
        user: principal.user.id,
        name: body.name,
        tenant: params.tenant,
        role,
        expiresAt: now + body.expiresInDays * day,
        now,
      });
      auditDetails({ createdId: record.id, role });
      return { ...view(record), token };
    },
  }),
  defineRoute({
    id: 'tokens.list',
    method: 'GET',
    url: '/v1/tenants/:tenant/tokens',
    summary: "The tenant's API tokens: all of them for owners, your own otherwise (never the secrets)",
    tags: ['tokens'],
    auth: auth.viewer,
    params: z.object({ tenant: tenantIdSchema }),
    response: z.object({ items: z.array(tokenView) }),
    handler: async ({ params, caller, services }) => {
      const all = await services.tokens.listApiTokens({ tenant: params.tenant });
      const maySeeAll = caller.role === 'admin' || caller.role === 'owner';
      const userId = caller.principal?.kind === 'user' ? caller.principal.user.id : undefined;
      return { items: all.filter((t) => maySeeAll || t.user === userId).map(view) };
    },
  }),
  defineRoute({
    id: 'tokens.revoke',
    method: 'DELETE',
    url: '/v1/tenants/:tenant/tokens/:token',
    summary: 'Revoke an API token (owners: any of the tenant; others: their own)',
    tags: ['tokens'],
    auth: auth.viewer,
    params: z.object({ tenant: tenantIdSchema, token: z.string().min(1).max(100) }),
    auditTarget: ({ params }) => ({ type: 'token', id: params.token }),
    handler: async ({ params, caller, services }) => {
      const all = await services.tokens.listApiTokens({ tenant: params.tenant });
      const record = all.find((t) => t.id === params.token);
      const userId = caller.principal?.kind === 'user' ? caller.principal.user.id : undefined;
      const mayRevoke = caller.role === 'admin' || caller.role === 'owner' || record?.user === userId;
      if (!record || !mayRevoke) throw ApiError.notFound(`token '${params.token}'`);
      await services.tokens.revoke(record.id, { now: services.now(), by: caller.actor.id });
      return undefined;
    },
  }),
  defineRoute({
    id: 'tokens.create-admin',
    method: 'POST',
    url: '/v1/admin/tokens',
    summary: 'Create a platform admin token for yourself',
    tags: ['tokens'],
    auth: auth.admin,
    body: z.object({ name: z.string().min(1).max(100), expiresInDays: expiry }),
    response: createdToken,
    handler: async ({ body, caller, services, auditDetails }) => {
      const principal = caller.principal;
      if (principal?.kind !== 'user') throw ApiError.forbidden('only users create API tokens');
      const now = services.now();
      const { token, record } = await services.tokens.createApiToken({
        user: principal.user.id,
        name: body.name,
        admin: true,
        expiresAt: now + body.expiresInDays * day,
        now,
      });
      auditDetails({ createdId: record.id });
      return { ...view(record), token };
    },
  }),
];
