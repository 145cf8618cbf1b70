import { recordIdSchema, tenantIdSchema } from '@slipway/core';
import { hostKey, hostsPrefix } from '@slipway/state';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { ApiError } from '../api/errors.js';
import { defineRoute } from '../api/route.js';
import { hostView, noLiveState } from '../hosts/host-view.js';

const tenantParams = z.object({ tenant: tenantIdSchema });
const hostParams = tenantParams.extend({ host: recordIdSchema });

export const hostRoutes = [
  defineRoute({
    id: 'hosts.list',
    method: 'GET',
    url: '/v1/tenants/:tenant/hosts',
    summary: "The tenant's hosts: capacity, labels, status, last heartbeat and observed allocations",
    tags: ['hosts'],
    auth: auth.viewer,
    params: tenantParams,
    response: z.object({ items: z.array(hostView) }),
    handler: async ({ params, services }) => {
      const { documents } = await services.repos.hosts.scan(hostsPrefix(params.tenant));
      const hosts = documents.map((d) => d.value);
      const live =
        (await services.hosts.status?.read(
          params.tenant,
          hosts.map((h) => h.id),
        )) ?? hosts.map(() => noLiveState);
      return { items: hosts.map((host, i) => ({ ...host, ...(live[i] ?? noLiveState) })) };
    },
  }),
  defineRoute({
    id: 'hosts.get',
    method: 'GET',
    url: '/v1/tenants/:tenant/hosts/:host',
    summary: 'One host: capacity, labels, status, last heartbeat and observed allocations',
    tags: ['hosts'],
    auth: auth.viewer,
    params: hostParams,
    response: hostView,
    handler: async ({ params, services }) => {
      const stored = await services.repos.hosts.get(hostKey({ tenant: params.tenant, id: params.host }));
      if (!stored) throw ApiError.notFound(`host '${params.host}'`);
      const [live] = (await services.hosts.status?.read(params.tenant, [params.host])) ?? [];
      return { ...stored.value, ...(live ?? noLiveState) };
    },
  }),
  defineRoute({
    id: 'hosts.delete',
    method: 'DELETE',
    url: '/v1/tenants/:tenant/hosts/:host',
    summary:
      'Remove a host: its record goes, its host tokens are revoked; the leader re-places its allocations',
    tags: ['hosts'],
    auth: auth.owner,
    params: hostParams,
    auditTarget: ({ params }) => ({ type: 'host', id: params.host }),
    handler: async ({ params, caller, services, auditDetails }) => {
      const key = hostKey({ tenant: params.tenant, id: params.host });
      if (!(await services.repos.hosts.get(key))) throw ApiError.notFound(`host '${params.host}'`);
      const now = services.now();
      // Tokens first: once the record is gone, a host that could still call in would be a ghost.
      const tokens = (await services.tokens.listHostTokens(params.tenant)).filter(
        (t) => t.host === params.host && t.revokedAt === undefined,
      );
      for (const token of tokens) await services.tokens.revoke(token.id, { now, by: caller.actor.id });
      await services.repos.hosts.delete(key);
      // Its live keys expire by themselves within the TTL; a Redis hiccup must not undo the removal.
      await services.hosts.status?.forget(params.tenant, params.host).catch((error: unknown) => {
        services.logger.warn(
          { err: error, tenant: params.tenant, host: params.host },
          'could not drop the host’s live state',
        );
      });
      auditDetails({ revokedCount: tokens.length });
      return undefined;
    },
  }),
];
