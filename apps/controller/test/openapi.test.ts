import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { routeTable } from '../src/routes/index.js';
import { type Harness, startHarness } from './support/api-harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; security?: unknown[]; description?: string }>>;
  components: { securitySchemes: Record<string, unknown> };
}

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document with every route, its authorization and its schemas', async () => {
    const doc = (await (await harness.call('GET', '/v1/openapi.json')).json()) as OpenApiDocument;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
    for (const route of routeTable) {
      const path = route.url.replace(/:([a-z]+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      expect({ route: route.id, operationId: operation?.operationId }).toEqual({
        route: route.id,
        operationId: route.id,
      });
      expect(operation?.description).toMatch(/^Authorization: /);
      if (route.auth.kind !== 'public') expect(operation?.security).toEqual([{ bearer: [] }]);
    }
    const create = doc.paths['/v1/tenants']?.post as unknown as {
      requestBody: { content: Record<string, { schema: { required: string[] } }> };
    };
    expect(create.requestBody.content['application/json']?.schema.required).toEqual(
      expect.arrayContaining(['id', 'name']),
    );
  });
});
