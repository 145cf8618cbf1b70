import { environmentNameSchema, recordIdSchema, serviceNameSchema, tenantIdSchema } from '@slipway/core';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { defineRoute } from '../api/route.js';
import { listAllocations } from '../service-changes/service-allocations.js';
import { allocationView } from '../service-changes/service-views.js';

export const allocationRoutes = [
  defineRoute({
    id: 'allocations.list',
    method: 'GET',
    url: '/v1/tenants/:tenant/allocations',
    summary: "The tenant's allocations (desired, with observed state) `?environment&service&host`",
    tags: ['allocations'],
    auth: auth.viewer,
    params: z.object({ tenant: tenantIdSchema }),
    query: z.object({
      environment: environmentNameSchema.optional(),
      service: serviceNameSchema.optional(),
      host: recordIdSchema.optional(),
    }),
    response: z.object({ items: z.array(allocationView) }),
    handler: async ({ params, query, services }) => ({
      items: await listAllocations(services, params.tenant, query),
    }),
  }),
];
