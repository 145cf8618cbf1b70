import { type Member, memberRoleSchema, memberSchema, tenantIdSchema } from '@slipway/core';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { ApiError } from '../api/errors.js';
import { defineRoute } from '../api/route.js';

const memberParams = z.object({ tenant: tenantIdSchema, user: z.string().min(1).max(200) });

function withoutLastOwner(members: Member[], tenant: string): Member[] {
  if (!members.some((m) => m.role === 'owner')) {
    throw ApiError.conflict(`tenant '${tenant}' must keep at least one owner; make someone else owner first`);
  }
  return members;
}

export const memberRoutes = [
  defineRoute({
    id: 'members.list',
    method: 'GET',
    url: '/v1/tenants/:tenant/members',
    summary: "The tenant's members and their roles",
    tags: ['members'],
    auth: auth.viewer,
    params: z.object({ tenant: tenantIdSchema }),
    response: z.object({ items: z.array(memberSchema) }),
    handler: async ({ tenant }) => ({ items: tenant!.value.members }),
  }),
  defineRoute({
    id: 'members.put',
    method: 'PUT',
    url: '/v1/tenants/:tenant/members/:user',
    summary: 'Add a member, or change their role',
    tags: ['members'],
    auth: auth.owner,
    params: memberParams,
    body: z.object({ role: memberRoleSchema }),
    response: memberSchema,
    status: 200,
    auditTarget: ({ params }) => ({ type: 'member', id: params.user }),
    handler: async ({ params, body, tenant, services, auditDetails }) => {
      if (!(await services.users.get(params.user))) {
        throw ApiError.notFound(`user '${params.user}' (users appear when they first sign in)`);
      }
      auditDetails({ role: body.role });
      const member = { user: params.user, role: body.role };
      await services.repos.tenants.replace(
        {
          ...tenant!.value,
          members: withoutLastOwner(
            [...tenant!.value.members.filter((m) => m.user !== params.user), member],
            params.tenant,
          ),
        },
        { ifMatch: tenant!.etag },
      );
      return member;
    },
  }),
  defineRoute({
    id: 'members.delete',
    method: 'DELETE',
    url: '/v1/tenants/:tenant/members/:user',
    summary: 'Remove a member (their tenant tokens stop working at once)',
    tags: ['members'],
    auth: auth.owner,
    params: memberParams,
    auditTarget: ({ params }) => ({ type: 'member', id: params.user }),
    handler: async ({ params, tenant, services }) => {
      const members = tenant!.value.members;
      if (!members.some((m) => m.user === params.user)) throw ApiError.notFound(`member '${params.user}'`);
      await services.repos.tenants.replace(
        {
          ...tenant!.value,
          members: withoutLastOwner(
            members.filter((m) => m.user !== params.user),
            params.tenant,
          ),
        },
        { ifMatch: tenant!.etag },
      );
      return undefined;
    },
  }),
];
