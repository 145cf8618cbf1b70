import { environmentNameSchema, serviceNameSchema, tenantIdSchema } from '@slipway/core';
import { serviceKey } from '@slipway/state';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { ApiError } from '../api/errors.js';
import { defineRoute } from '../api/route.js';
import { createServicesBody } from '../service-changes/create-request.js';
import { createServices } from '../service-changes/create-services.js';
import { deleteService } from '../service-changes/delete-service.js';
import { parseCreateRequest } from '../service-changes/parse-create-request.js';
import { scaleService } from '../service-changes/scale-service.js';
import { listAllocations } from '../service-changes/service-allocations.js';
import { readServiceVerdicts } from '../service-changes/service-placement.js';
import { serviceDetailView, serviceRecordView, serviceView } from '../service-changes/service-views.js';
import { listTenantServices } from '../service-changes/tenant-services.js';

const tenantParams = z.object({ tenant: tenantIdSchema });
const serviceParams = tenantParams.extend({ environment: environmentNameSchema, service: serviceNameSchema });
const serviceTarget = ({ params }: { params: { environment: string; service: string } }) => ({
  type: 'service',
  id: `${params.environment}/${params.service}`,
});

export const serviceRoutes = [
  defineRoute({
    id: 'services.create',
    method: 'POST',
    url: '/v1/tenants/:tenant/services',
    summary:
      'Create services from a slipway.yaml `{slipwayYaml, environment?, services?, repo?}`, or one image service ' +
      '`{name, image, port, replicas?, cpu?, memory?, env?, secrets?, domains?, visibility?, health?}`',
    tags: ['services'],
    auth: auth.developer,
    params: tenantParams,
    body: createServicesBody,
    response: z.object({ items: z.array(serviceRecordView) }),
    auditTarget: ({ body }) => ({
      type: 'service',
      id: body.name ?? (body.services ?? ['slipway.yaml']).join(',').slice(0, 200),
    }),
    handler: async ({ params, body, services, auditDetails }) => {
      const created = await createServices(services, params.tenant, parseCreateRequest(body));
      auditDetails({
        services: created
          .map((s) => `${s.environment}/${s.name}`)
          .join(',')
          .slice(0, 500),
      });
      return { items: created };
    },
  }),
  defineRoute({
    id: 'services.list',
    method: 'GET',
    url: '/v1/tenants/:tenant/services',
    summary: "The tenant's services with the scheduler's placement and the AWS edge's status of each",
    tags: ['services'],
    auth: auth.viewer,
    params: tenantParams,
    query: z.object({ environment: environmentNameSchema.optional() }),
    response: z.object({ items: z.array(serviceView) }),
    handler: async ({ params, query, services }) => {
      const all = await listTenantServices(services, params.tenant, query.environment);
      const verdicts = await readServiceVerdicts(services, params.tenant);
      return {
        items: all.map((s) => ({
          ...s,
          placement: verdicts.placement(s.environment, s.name),
          edge: verdicts.edge(s.environment, s.name),
        })),
      };
    },
  }),
  defineRoute({
    id: 'services.get',
    method: 'GET',
    url: '/v1/tenants/:tenant/services/:environment/:service',
    summary: "One service with the scheduler's placement and its allocations (desired, with observed state)",
    tags: ['services'],
    auth: auth.viewer,
    params: serviceParams,
    response: serviceDetailView,
    handler: async ({ params, services }) => {
      const stored = await services.repos.services.get(
        serviceKey({ tenant: params.tenant, environment: params.environment, name: params.service }),
      );
      if (!stored) throw ApiError.notFound(`service '${params.environment}/${params.service}'`);
      const verdicts = await readServiceVerdicts(services, params.tenant);
      const allocations = await listAllocations(services, params.tenant, {
        environment: params.environment,
        service: params.service,
      });
      return {
        ...stored.value,
        placement: verdicts.placement(params.environment, params.service),
        edge: verdicts.edge(params.environment, params.service),
        allocations,
      };
    },
  }),
  defineRoute({
    id: 'services.scale',
    method: 'POST',
    url: '/v1/tenants/:tenant/services/:environment/:service/scale',
    summary: 'Set the number of replicas `{replicas}` (checked against the policy)',
    tags: ['services'],
    auth: auth.developer,
    params: serviceParams,
    body: z.object({ replicas: z.int().min(0).describe('How many containers to run, 0 or more') }),
    response: serviceRecordView,
    status: 200,
    auditTarget: serviceTarget,
    handler: async ({ params, body, services, auditDetails }) => {
      auditDetails({ replicas: body.replicas });
      return scaleService(services, { ...params, replicas: body.replicas });
    },
  }),
  defineRoute({
    id: 'services.delete',
    method: 'DELETE',
    url: '/v1/tenants/:tenant/services/:environment/:service',
    summary: 'Delete a service; the scheduler stops its allocations. Its releases stay as history',
    tags: ['services'],
    auth: auth.owner,
    params: serviceParams,
    auditTarget: serviceTarget,
    handler: async ({ params, services }) => {
      await deleteService(services, params);
      return undefined;
    },
  }),
];
