import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { defineRoute } from '../api/route.js';

export const meRoutes = [
  defineRoute({
    id: 'me.get',
    method: 'GET',
    url: '/v1/me',
    summary: 'Who the token belongs to, what it may do, and the tenants it reaches',
    tags: ['identity'],
    auth: auth.user,
    response: z.object({
      user: z.object({ id: z.string(), name: z.string(), admin: z.boolean() }),
      token: z.object({
        id: z.string(),
        admin: z.boolean(),
        tenant: z.string().optional(),
        role: z.string().optional(),
      }),
    }),
    handler: async ({ caller }) => {
      const principal = caller.principal!;
      if (principal.kind !== 'user') throw new Error('unreachable: the user rule admits only users');
      return {
        user: { id: principal.user.id, name: principal.user.name, admin: principal.user.admin },
        token: {
          id: principal.tokenId,
          admin: principal.admin,
          ...(principal.scope ? { tenant: principal.scope.tenant, role: principal.scope.role } : {}),
        },
      };
    },
  }),
];
