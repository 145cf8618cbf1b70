import { hostSchema, recordIdSchema, tenantIdSchema } from '@slipway/core';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import type { Caller } from '../api/caller.js';
import { EmptyResponse } from '../api/empty-response.js';
import { ApiError } from '../api/errors.js';
import { defineRoute } from '../api/route.js';
import { desiredAllocationsSchema } from '../hosts/desired-allocations.js';
import { hostObservedAllocationSchema } from '../hosts/host-status-store.js';
import { ifNoneMatchTags } from '../hosts/if-none-match.js';
import { joinHost } from '../hosts/join-host.js';
import { longPollDesired } from '../hosts/read-desired.js';

const tenantParams = z.object({ tenant: tenantIdSchema });
const hostParams = tenantParams.extend({ host: recordIdSchema });

/** The agent's own host: a host token of another host of the tenant sees 404, as for a missing one. */
export function requireOwnHost(caller: Caller, host: string): void {
  const principal = caller.principal;
  if (principal?.kind !== 'host' || principal.host !== host) throw ApiError.notFound(`host '${host}'`);
}

function redisUnavailable(): ApiError {
  return new ApiError(
    503,
    'host_state_unavailable',
    'this controller has no Redis, where heartbeats live; set REDIS_URL on the controller',
  );
}

const observedReport = hostObservedAllocationSchema.extend({
  at: hostObservedAllocationSchema.shape.at
    .optional()
    .describe('When the agent saw it; default: the heartbeat time'),
});

export const agentRoutes = [
  defineRoute({
    id: 'hosts.join',
    method: 'POST',
    url: '/v1/tenants/:tenant/hosts/join',
    summary: 'An agent joins the tenant with a join token and receives its host token (shown once)',
    tags: ['hosts'],
    auth: auth.public,
    params: tenantParams,
    body: z.object({
      joinToken: z.string().min(1).max(200).describe('A `slj_…` token of this tenant'),
      name: recordIdSchema.optional().describe('The host id; default: a generated `h-…`'),
      capacity: hostSchema.shape.capacity,
      labels: hostSchema.shape.labels,
    }),
    response: z.object({
      host: hostSchema.meta({ id: 'HostRecord' }),
      hostToken: z.string().describe('`slh_…`: the agent’s bearer token from now on. Shown this once.'),
    }),
    auditTarget: ({ body }) => ({ type: 'host', id: body?.name ?? 'generated' }),
    handler: async ({ params, body, services, auditDetails }) => {
      const joined = await joinHost(services, {
        tenant: params.tenant,
        joinToken: body.joinToken,
        name: body.name,
        capacity: body.capacity,
        labels: body.labels,
      });
      auditDetails({ host: joined.host.id, redeemedId: joined.joinTokenId, createdId: joined.hostTokenId });
      return { host: joined.host, hostToken: joined.hostToken };
    },
  }),
  defineRoute({
    id: 'hosts.heartbeat',
    method: 'POST',
    url: '/v1/tenants/:tenant/hosts/:host/heartbeat',
    summary: 'The agent reports it is alive and what its containers look like (kept in Redis with a TTL)',
    tags: ['hosts'],
    auth: auth.host,
    // Every few seconds per host: successes are not written to the durable audit log (rule 8).
    audit: 'refusals',
    status: 204,
    params: hostParams,
    body: z.object({ allocations: z.array(observedReport).max(1000) }),
    handler: async ({ params, body, caller, services }) => {
      requireOwnHost(caller, params.host);
      const status = services.hosts.status;
      if (!status) throw redisUnavailable();
      const at = new Date(services.now()).toISOString();
      await status.recordHeartbeat({
        tenant: params.tenant,
        host: params.host,
        at,
        allocations: body.allocations.map((a) => ({ ...a, at: a.at ?? at })),
      });
      return undefined;
    },
  }),
  defineRoute({
    id: 'hosts.desired',
    method: 'GET',
    url: '/v1/tenants/:tenant/hosts/:host/desired',
    summary:
      'The allocations this host should run, with an ETag. With If-None-Match and ?wait=<s>, waits up to that long for a change (else 304)',
    tags: ['hosts'],
    auth: auth.host,
    params: hostParams,
    query: z.object({
      wait: z.coerce
        .number()
        .int()
        .min(0)
        .max(30)
        .default(0)
        .describe('Seconds to wait for a change when If-None-Match is the current ETag (max 30)'),
    }),
    response: desiredAllocationsSchema,
    handler: async ({ params, query, caller, services, request, reply }) => {
      requireOwnHost(caller, params.host);
      const gone = new AbortController();
      const onClose = () => gone.abort();
      reply.raw.once('close', onClose);
      try {
        const found = await longPollDesired(services, {
          tenant: params.tenant,
          host: params.host,
          known: ifNoneMatchTags(request.headers['if-none-match']),
          waitMs: query.wait * 1000,
          signal: gone.signal,
        });
        if (!found) return new EmptyResponse(304, { 'cache-control': 'no-store' });
        reply.header('etag', `"${found.etag}"`).header('cache-control', 'no-store');
        return found.document;
      } finally {
        reply.raw.off('close', onClose);
      }
    },
  }),
];
