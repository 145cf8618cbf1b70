import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { auditCall } from './audit-hook.js';
import { describeAuthRule } from './auth-rule.js';
import { authorize } from './authorize.js';
import { EmptyResponse } from './empty-response.js';
import { errorBodySchema } from './errors.js';
import type { AnyRoute } from './route.js';
import type { ApiServices } from './services.js';
import { StreamResponse } from './stream-response.js';

/** Thrown at start-up: a route that would be reachable without a declared authorization rule. */
export class RouteDefinitionError extends Error {
  override readonly name = 'RouteDefinitionError';
}

const routeIdPattern = /^[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+$/;

function checkRouteTable(routes: readonly AnyRoute[]): void {
  const ids = new Set<string>();
  for (const route of routes) {
    const where = `${route.method} ${route.url} (${route.id})`;
    if (!route.auth) {
      throw new RouteDefinitionError(
        `${where} declares no authorization rule; add one (auth.viewer, auth.admin …) beside its schema`,
      );
    }
    const needsTenant = route.auth.kind === 'tenant' || route.auth.kind === 'host';
    if (needsTenant && !route.url.includes(':tenant')) {
      throw new RouteDefinitionError(`${where} has a ${route.auth.kind} rule but no :tenant in its URL`);
    }
    if (!routeIdPattern.test(route.id)) {
      throw new RouteDefinitionError(
        `${where}: the id must be lowercase \`area.verb\` (it is the audit action)`,
      );
    }
    if (ids.has(route.id)) throw new RouteDefinitionError(`two routes share the id ${route.id}`);
    ids.add(route.id);
  }
}

/**
 * Adds the route table to `app`: zod schemas for validation, serialization and OpenAPI; the
 * authorization rule checked before validation; an audit entry for every mutating call.
 */
export function registerRoutes(
  app: FastifyInstance,
  routes: readonly AnyRoute[],
  services: ApiServices,
): void {
  checkRouteTable(routes);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  for (const route of routes) {
    const status = route.status ?? (route.method === 'POST' ? 201 : route.response ? 200 : 204);
    const mutating = route.method !== 'GET';
    typed.route({
      method: route.method,
      url: route.url,
      schema: {
        summary: route.summary,
        description: `Authorization: ${describeAuthRule(route.auth)}`,
        tags: route.tags,
        operationId: route.id,
        ...(route.auth.kind === 'public' ? {} : { security: [{ bearer: [] }] }),
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { querystring: route.query } : {}),
        ...(route.body ? { body: route.body } : {}),
        response: {
          ...(route.response ? { [status]: route.response } : {}),
          '4xx': errorBodySchema,
          '5xx': errorBodySchema,
        },
      },
      // Before the body is parsed: a call refused for a malformed body is audited too.
      onRequest: async (request) => {
        request.auditDetails = {};
      },
      preValidation: async (request) => {
        tenants.set(request, await authorize(request, route.auth, services));
      },
      ...(mutating
        ? {
            onSend: async (request, reply) => {
              if (route.audit === 'refusals' && reply.statusCode < 400) return;
              await auditCall(route, request, reply, services);
            },
          }
        : {}),
      handler: async (request, reply) => {
        const result = await route.handler({
          params: request.params,
          query: request.query,
          body: request.body,
          caller: request.caller,
          tenant: tenants.get(request),
          services,
          request,
          reply,
          auditDetails: (details) => Object.assign(request.auditDetails, details),
        });
        if (result instanceof EmptyResponse)
          return reply.status(result.status).headers(result.headers).send();
        reply.status(status);
        if (result instanceof StreamResponse) return reply.headers(result.headers).send(result.body);
        return status === 204 ? reply.send() : result;
      },
    });
  }
}

/** The tenant a `tenant` rule loaded, per request (a WeakMap keeps FastifyRequest's type clean). */
const tenants = new WeakMap<object, Awaited<ReturnType<typeof authorize>>>();
