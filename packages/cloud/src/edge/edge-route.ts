import { environmentNameSchema, recordIdSchema, serviceNameSchema, tenantIdSchema } from '@slipway/core';
import { z } from 'zod';
import { EdgeError } from './edge-error.js';

/** One allocation the edge may send a request to. */
export interface EdgeBackend {
  /** The allocation id, e.g. `web-0-r7`. */
  id: string;
  /** Where the allocation's port answers, e.g. `http://127.0.0.1:32768`. */
  address: string;
}

/** One service of one tenant in one environment, as the edge routes to it. */
export interface EdgeRoute {
  tenant: string;
  service: string;
  environment: string;
  /** `defaultHostname(route)` plus the service's custom domains. */
  hostnames: string[];
  /** Its healthy allocations; empty while none is (requests then get a 503). */
  backends: EdgeBackend[];
}

/** A backend address: plain http to host:port, nothing else (no path, no credentials). */
const backendAddressSchema = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    url.protocol === 'http:' && url.port !== '' && url.username === '' && url.pathname === '/' && !url.search
  );
}, 'an http://host:port URL');

/** A hostname as a Host header may carry it: DNS labels joined by dots, any case, optional trailing dot. */
const edgeHostnameSchema = z
  .string()
  .max(253)
  .regex(
    /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$/i,
    'a host name',
  );

export const edgeRouteSchema = z.object({
  tenant: tenantIdSchema,
  service: serviceNameSchema,
  environment: environmentNameSchema,
  hostnames: z.array(edgeHostnameSchema),
  backends: z.array(z.object({ id: recordIdSchema, address: backendAddressSchema })),
});

/** Checks routes before they reach the table; the error names the route and the field. */
export function parseEdgeRoutes(routes: readonly EdgeRoute[]): EdgeRoute[] {
  return routes.map((route, index) => {
    const result = edgeRouteSchema.safeParse(route);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const where = `${route?.tenant ?? '?'}/${route?.service ?? '?'} (route ${index})`;
    throw new EdgeError(
      'EDGE_INVALID_ROUTE',
      `route ${where}: ${issue?.path.join('.') ?? ''} must be ${issue?.message ?? 'valid'}; the table was not changed.`,
    );
  });
}

/**
 * The host name a service gets on the local edge: `<service>.<tenant>.localhost` in production,
 * `<service>-<environment>.<tenant>.localhost` in any other environment.
 */
export function defaultHostname(route: Pick<EdgeRoute, 'tenant' | 'service' | 'environment'>): string {
  return `${serviceLabel(route)}.${route.tenant}.localhost`;
}

/** The first label of a service's default host name: `<service>` in production, `<service>-<environment>` elsewhere. */
export function serviceLabel(route: Pick<EdgeRoute, 'service' | 'environment'>): string {
  return route.environment === 'production' ? route.service : `${route.service}-${route.environment}`;
}

/** `tenant/service/environment`: a route's identity in logs and round-robin state. */
export function routeKey(route: Pick<EdgeRoute, 'tenant' | 'service' | 'environment'>): string {
  return `${route.tenant}/${route.service}/${route.environment}`;
}
