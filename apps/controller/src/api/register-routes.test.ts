import { describe, expect, it } from '@jest/globals';
import Fastify from 'fastify';
import { z } from 'zod';
import { routeTable } from '../routes/index.js';
import type { AuthRule } from './auth-rule.js';
import { RouteDefinitionError, registerRoutes } from './register-routes.js';
import { type AnyRoute, defineRoute } from './route.js';
import type { ApiServices } from './services.js';

const services = {} as ApiServices; // never reached: registration fails before any request

function route(overrides: Partial<AnyRoute>): AnyRoute {
  return {
    ...defineRoute({
      id: 'things.list',
      method: 'GET',
      url: '/v1/tenants/:tenant/things',
      summary: 'things',
      tags: ['things'],
      auth: { kind: 'tenant', role: 'viewer' },
      response: z.object({}),
      handler: async () => ({}),
    }),
    ...overrides,
  };
}

describe('registerRoutes', () => {
  it('refuses to start with a route that declares no authorization rule', () => {
    const unguarded = route({ auth: undefined as unknown as AuthRule });
    expect(() => registerRoutes(Fastify(), [unguarded], services)).toThrow(RouteDefinitionError);
    expect(() => registerRoutes(Fastify(), [unguarded], services)).toThrow(/declares no authorization rule/);
  });

  it('refuses a tenant rule on a URL without :tenant, duplicate ids, and ids that are not area.verb', () => {
    expect(() => registerRoutes(Fastify(), [route({ url: '/v1/things' })], services)).toThrow(/no :tenant/);
    expect(() =>
      registerRoutes(Fastify(), [route({}), route({ url: '/v1/tenants/:tenant/x' })], services),
    ).toThrow(/share the id/);
    expect(() => registerRoutes(Fastify(), [route({ id: 'Things' })], services)).toThrow(/area\.verb/);
  });

  it('accepts the controller’s own route table', () => {
    const app = Fastify();
    expect(() => registerRoutes(app, routeTable, services)).not.toThrow();
  });
});
