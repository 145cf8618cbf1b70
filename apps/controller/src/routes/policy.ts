import { policyPatchSchema, tenantIdSchema } from '@slipway/core';
import { PolicyVersionConflict, storedPolicySchema } from '@slipway/state';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { ApiError } from '../api/errors.js';
import { defineRoute } from '../api/route.js';

const params = z.object({ tenant: tenantIdSchema });
const policyView = storedPolicySchema.meta({ id: 'StoredPolicy' });

export const policyRoutes = [
  defineRoute({
    id: 'policy.get',
    method: 'GET',
    url: '/v1/tenants/:tenant/policy',
    summary: "The tenant's policy: limits and permissions, with its version",
    tags: ['policy'],
    auth: auth.viewer,
    params,
    response: policyView,
    handler: async ({ params, services }) => services.policies.get(params.tenant),
  }),
  defineRoute({
    id: 'policy.update',
    method: 'PATCH',
    url: '/v1/tenants/:tenant/policy',
    summary: 'Change some limits or permissions; with `version`, only if nobody changed it since',
    tags: ['policy'],
    auth: auth.tenantAdmin,
    params,
    body: z.object({
      version: z.int().min(0).optional().describe('The version you read; 409 if it moved on'),
      limits: policyPatchSchema.shape.limits,
      permissions: policyPatchSchema.shape.permissions,
    }),
    response: policyView,
    status: 200,
    auditTarget: ({ params }) => ({ type: 'policy', id: params.tenant }),
    handler: async ({ params, body, caller, services, auditDetails }) => {
      const { version, ...patch } = body;
      try {
        const updated = await services.policies.update(params.tenant, policyPatchSchema.parse(patch), {
          by: caller.actor.id,
          now: services.now(),
          ...(version !== undefined ? { ifVersion: version } : {}),
        });
        auditDetails({ version: updated.version, changed: JSON.stringify(patch).slice(0, 500) });
        return updated;
      } catch (error) {
        if (error instanceof PolicyVersionConflict) throw ApiError.conflict(error.message);
        throw error;
      }
    },
  }),
];
