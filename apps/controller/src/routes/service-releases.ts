import {
  environmentNameSchema,
  imageReferenceSchema,
  recordIdSchema,
  releaseSchema,
  rolloutSchema,
  serviceNameSchema,
  tenantIdSchema,
} from '@slipway/core';
import { rolloutsPrefix } from '@slipway/state';
import { z } from 'zod';
import { auth } from '../api/auth-rule.js';
import { defineRoute } from '../api/route.js';
import { deployImage, setCurrentRelease } from '../service-changes/release-service.js';
import { serviceRecordView } from '../service-changes/service-views.js';

const serviceParams = z.object({
  tenant: tenantIdSchema,
  environment: environmentNameSchema,
  service: serviceNameSchema,
});
const serviceTarget = ({ params }: { params: { environment: string; service: string } }) => ({
  type: 'service',
  id: `${params.environment}/${params.service}`,
});
const deployed = z
  .object({ service: serviceRecordView, release: releaseSchema.meta({ id: 'DeployedRelease' }) })
  .meta({ id: 'Deployed' });
const rolloutView = rolloutSchema.meta({ id: 'Rollout' });

export const serviceReleaseRoutes = [
  defineRoute({
    id: 'services.deploy',
    method: 'POST',
    url: '/v1/tenants/:tenant/services/:environment/:service/deploy',
    summary: 'Deploy a new image to an image service `{image}`: a rolling, health-gated rollout follows',
    tags: ['services'],
    auth: auth.developer,
    params: serviceParams,
    body: z.object({ image: imageReferenceSchema }),
    response: deployed,
    status: 202,
    auditTarget: serviceTarget,
    handler: async ({ params, body, services, auditDetails }) => {
      const result = await deployImage(services, params, body.image);
      auditDetails({ release: result.release.id, image: body.image });
      return result;
    },
  }),
  defineRoute({
    id: 'services.rollback',
    method: 'POST',
    url: '/v1/tenants/:tenant/services/:environment/:service/rollback',
    summary:
      'Roll back (or forward) to one of the service’s releases `{release}`, with the same rolling, health-gated rollout',
    tags: ['services'],
    auth: auth.developer,
    params: serviceParams,
    body: z.object({ release: recordIdSchema }),
    response: deployed,
    status: 202,
    auditTarget: serviceTarget,
    handler: async ({ params, body, services, auditDetails }) => {
      auditDetails({ release: body.release });
      return setCurrentRelease(services, params, body.release);
    },
  }),
  defineRoute({
    id: 'services.rollouts',
    method: 'GET',
    url: '/v1/tenants/:tenant/services/:environment/:service/rollouts',
    summary: 'The service’s rollouts, newest first: steps with their status, outcome and reason',
    tags: ['services'],
    auth: auth.viewer,
    params: serviceParams,
    response: z.object({ items: z.array(rolloutView) }),
    handler: async ({ params, services }) => {
      const { documents } = await services.repos.rollouts.scan(
        rolloutsPrefix(params.tenant, params.environment, params.service),
      );
      return { items: documents.map((d) => d.value).sort((a, b) => (a.id < b.id ? 1 : -1)) };
    },
  }),
];
