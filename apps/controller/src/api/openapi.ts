import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** Generates the OpenAPI 3.1 document from the routes' zod schemas (no hand-written copy). */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Slipway API',
        version: '1',
        description:
          'Tenants, members, tokens, policy, secrets and audit of a Slipway platform. Errors are ' +
          '`{error: {code, message, fields?}}`; lists are paged with `cursor`/`limit` and `nextCursor`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
}
