import { type EdgeRoute, routeKey } from './edge-route.js';

/** A hostname claimed by two routes: `kept` answers it, `dropped` does not. */
export interface HostnameConflict {
  hostname: string;
  kept: { tenant: string; service: string; environment: string };
  dropped: { tenant: string; service: string; environment: string };
}

/** An immutable hostname → route lookup; the edge swaps whole tables, never edits one. */
export interface RoutingTable {
  /** The route for a Host header value (port ignored, any case), or undefined. */
  lookup(host: string | undefined): EdgeRoute | undefined;
  readonly size: number;
  readonly conflicts: readonly HostnameConflict[];
}

function identity(route: EdgeRoute) {
  return { tenant: route.tenant, service: route.service, environment: route.environment };
}

/**
 * The hostname a Host header names: lower case, without the port or a trailing dot. IPv6
 * literals keep their brackets (`[::1]`) so they never match a route.
 */
export function hostnameOf(host: string | undefined): string {
  if (!host) return '';
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    return end === -1 ? name : name.slice(0, end + 1);
  }
  const colon = name.indexOf(':');
  if (colon !== -1) name = name.slice(0, colon);
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function compareRoutes(a: EdgeRoute, b: EdgeRoute): number {
  return routeKey(a) < routeKey(b) ? -1 : routeKey(a) > routeKey(b) ? 1 : 0;
}

/**
 * Builds the lookup table for a list of routes. A hostname claimed by two routes goes to the
 * first in tenant/service/environment order and the clash is reported — never shared, so one
 * tenant's custom domain can never send traffic to another tenant's backends.
 *
 * @example
 * const table = buildRoutingTable(routes);
 * table.lookup('Web.Acme.localhost:8080'); // the acme/web/production route
 */
export function buildRoutingTable(routes: readonly EdgeRoute[]): RoutingTable {
  const byHostname = new Map<string, EdgeRoute>();
  const conflicts: HostnameConflict[] = [];
  for (const route of [...routes].sort(compareRoutes)) {
    for (const hostname of new Set(route.hostnames.map(hostnameOf))) {
      const owner = byHostname.get(hostname);
      if (owner === undefined) byHostname.set(hostname, route);
      else if (owner !== route) conflicts.push({ hostname, kept: identity(owner), dropped: identity(route) });
    }
  }
  return {
    lookup: (host) => byHostname.get(hostnameOf(host)),
    size: byHostname.size,
    conflicts,
  };
}
