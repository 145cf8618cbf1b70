import {
  environmentNameSchema,
  recordIdSchema,
  releaseSchema,
  serviceNameSchema,
  tenantIdSchema,
} from '@slipway/core';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { ApiError } from '../api/errors.js';
import { pageQuerySchema, pageSchema, paginateNewestFirst } from '../api/pagination.js';
import { defineRoute } from '../api/route.js';
import { findRelease, listReleases } from '../history/tenant-history.js';

const tenantParams = z.object({ tenant: tenantIdSchema });
const releaseView = releaseSchema.meta({ id: 'Release' });

export const releaseRoutes = [
  defineRoute({
    id: 'releases.list',
    method: 'GET',
    url: '/v1/tenants/:tenant/releases',
    summary: "The tenant's releases (immutable: image digest, config, commit), newest first",
    tags: ['releases'],
    auth: auth.viewer,
    params: tenantParams,
    query: pageQuerySchema.extend({
      service: serviceNameSchema.optional(),
      environment: environmentNameSchema.optional(),
    }),
    response: pageSchema(releaseView),
    handler: async ({ params, query, services }) => {
      const { cursor, limit, ...filters } = query;
      const releases = await listReleases(services, params.tenant, filters);
      return paginateNewestFirst(releases, (r) => ({ at: r.createdAt, id: r.id }), {
        limit,
        ...(cursor !== undefined ? { cursor } : {}),
      });
    },
  }),
  defineRoute({
    id: 'releases.get',
    method: 'GET',
    url: '/v1/tenants/:tenant/releases/:id',
    summary: 'One release',
    tags: ['releases'],
    auth: auth.viewer,
    params: tenantParams.extend({ id: recordIdSchema }),
    response: releaseView,
    handler: async ({ params, services }) => {
      const release = await findRelease(services, params.tenant, params.id);
      if (!release) throw ApiError.notFound(`release '${params.id}'`);
      return release;
    },
  }),
];
