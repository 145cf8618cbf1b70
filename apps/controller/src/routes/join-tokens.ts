import { tenantIdSchema } from '@slipway/core';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { ApiError } from '../api/errors.js';
import { defineRoute } from '../api/route.js';

const hour = 60 * 60 * 1000;

const joinTokenView = z
  .object({
    id: z.string(),
    tenant: z.string(),
    createdBy: z.string(),
    uses: z.int(),
    remainingUses: z.int(),
    createdAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: 'JoinToken' });

export const joinTokenRoutes = [
  defineRoute({
    id: 'join-tokens.create',
    method: 'POST',
    url: '/v1/tenants/:tenant/join-tokens',
    summary: 'Create a host join token: an agent started with it joins this tenant',
    tags: ['hosts'],
    auth: auth.owner,
    params: z.object({ tenant: tenantIdSchema }),
    body: z.object({
      uses: z.int().min(1).max(1000).default(1).describe('How many hosts may join with it'),
      expiresInHours: z
        .int()
        .min(1)
        .max(24 * 30)
        .default(24),
    }),
    response: joinTokenView.extend({ token: z.string().describe('Shown this once.') }),
    auditTarget: ({ params }) => ({ type: 'tenant', id: params.tenant }),
    handler: async ({ params, body, caller, services, auditDetails }) => {
      const now = services.now();
      const { token, record } = await services.tokens.createJoinToken({
        tenant: params.tenant,
        createdBy: caller.actor.id,
        uses: body.uses,
        expiresAt: now + body.expiresInHours * hour,
        now,
      });
      auditDetails({ createdId: record.id, uses: body.uses });
      return { ...joinTokenView.parse(record), token };
    },
  }),
  defineRoute({
    id: 'join-tokens.list',
    method: 'GET',
    url: '/v1/tenants/:tenant/join-tokens',
    summary: "The tenant's host join tokens (never the secrets)",
    tags: ['hosts'],
    auth: auth.owner,
    params: z.object({ tenant: tenantIdSchema }),
    response: z.object({ items: z.array(joinTokenView) }),
    handler: async ({ params, services }) => ({
      items: (await services.tokens.listJoinTokens(params.tenant)).map((r) => joinTokenView.parse(r)),
    }),
  }),
  defineRoute({
    id: 'join-tokens.revoke',
    method: 'DELETE',
    url: '/v1/tenants/:tenant/join-tokens/:token',
    summary: 'Revoke a host join token',
    tags: ['hosts'],
    auth: auth.owner,
    params: z.object({ tenant: tenantIdSchema, token: z.string().min(1).max(100) }),
    auditTarget: ({ params }) => ({ type: 'join-token', id: params.token }),
    handler: async ({ params, caller, services }) => {
      const record = (await services.tokens.listJoinTokens(params.tenant)).find((t) => t.id === params.token);
      if (!record) throw ApiError.notFound(`join token '${params.token}'`);
      await services.tokens.revoke(record.id, { now: services.now(), by: caller.actor.id });
      return undefined;
    },
  }),
];
