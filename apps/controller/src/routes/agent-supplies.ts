import { policySchema, recordIdSchema, tenantIdSchema } from '@slipway/core';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { defineRoute } from '../api/route.js';
import { allocationSecretNames, revealAllocationSecrets } from '../hosts/allocation-secrets.js';
import { pullCredentialsFor } from '../hosts/pull-credentials.js';
import { requireOwnHost } from './agent.js';

// What an agent fetches to carry out its desired allocations: the policy it checks specs against
// again, pull credentials and secret values. Host tokens, own host only; nothing here is cached.

const hostParams = z.object({ tenant: tenantIdSchema, host: recordIdSchema });
const hostUrl = '/v1/tenants/:tenant/hosts/:host';

const credentialsSchema = z
  .object({
    serveraddress: z.string(),
    username: z.string().optional(),
    password: z.string().optional(),
    expiresAt: z.string().optional().describe('When the password stops working (ISO time)'),
  })
  .meta({ id: 'PullCredentials' });

export const agentSupplyRoutes = [
  defineRoute({
    id: 'hosts.policy',
    method: 'GET',
    url: `${hostUrl}/policy`,
    summary: "The tenant's policy, which the agent checks every spec against again before creating it",
    tags: ['hosts'],
    auth: auth.host,
    params: hostParams,
    response: policySchema.meta({ id: 'Policy' }),
    handler: async ({ params, caller, services, reply }) => {
      requireOwnHost(caller, params.host);
      reply.header('cache-control', 'no-store');
      return (await services.policies.get(params.tenant)).policy;
    },
  }),
  defineRoute({
    id: 'hosts.registry-credentials',
    method: 'POST',
    url: `${hostUrl}/registry-credentials`,
    summary:
      "Credentials to pull an image from the platform's registry; null for any other registry (pull anonymously)",
    tags: ['hosts'],
    auth: auth.host,
    // Called for every pull: only refusals go to the durable audit log (rule 8).
    audit: 'refusals',
    status: 200,
    params: hostParams,
    body: z.object({ image: z.string().min(1).max(1024).describe('The image reference to pull') }),
    response: z.object({ credentials: credentialsSchema.nullable() }),
    auditTarget: ({ params }) => ({ type: 'host', id: params.host }),
    handler: async ({ params, body, caller, services, reply }) => {
      requireOwnHost(caller, params.host);
      reply.header('cache-control', 'no-store');
      return { credentials: await pullCredentialsFor(services.registry, body.image) };
    },
  }),
  defineRoute({
    id: 'hosts.secrets',
    method: 'POST',
    url: `${hostUrl}/secrets`,
    summary:
      "The secret env values of one allocation in this host's desired state (404 otherwise; 409 naming unset secrets)",
    tags: ['hosts'],
    auth: auth.host,
    status: 200,
    params: hostParams,
    body: z.object({ allocation: recordIdSchema }),
    response: z.object({
      values: z.record(z.string(), z.string()).describe('NAME → value, for the names the spec lists'),
    }),
    auditTarget: ({ body }) => ({ type: 'allocation', id: body?.allocation ?? 'unknown' }),
    handler: async ({ params, body, caller, services, reply, auditDetails }) => {
      requireOwnHost(caller, params.host);
      reply.header('cache-control', 'no-store');
      const ref = await allocationSecretNames(services, {
        tenant: params.tenant,
        host: params.host,
        allocation: body.allocation,
      });
      // Names only, recorded before the values are read, so a refusal names them too.
      auditDetails({ host: params.host, names: ref.names.join(',') });
      const values = await revealAllocationSecrets(services, ref);
      return { values };
    },
  }),
];
