import { assertKeySegment } from './keys.js';

/**
 * The key layout of Slipway's durable state. Every tenant's data lives under `tenants/<tenant>/`,
 * so a tenant's documents are one prefix (rule 4: the tenant id is in every key):
 *
 * ```
 * tenants/<tenant>/tenant.json
 * tenants/<tenant>/hosts/<host>.json
 * tenants/<tenant>/services/<environment>/<service>.json
 * tenants/<tenant>/releases/<environment>/<service>/<release>.json
 * tenants/<tenant>/rollouts/<environment>/<service>/<rollout>.json
 * tenants/<tenant>/allocations/<environment>/<service>/<allocation>.json
 * tenants/<tenant>/builds/<build>.json
 * tenants/<tenant>/build-logs/<build>.json   (a finished build's log, copied from its Redis stream)
 * _fences/<family>.json                      (fencing records, written by the store only)
 * ```
 *
 * The `…Prefix` helpers narrow as far as the arguments given, e.g. `servicesPrefix('acme')` lists
 * every environment and `servicesPrefix('acme', 'production')` only one.
 */
function folder(...parts: [string, string][]): string {
  for (const [value, what] of parts) assertKeySegment(value, what);
  return parts.map(([value]) => `${value}/`).join('');
}

function tenantFolder(tenant: string): string {
  return `tenants/${folder([tenant, 'tenant id'])}`;
}

function scoped(
  kind: string,
  tenant: string,
  environment: string | undefined,
  service: string | undefined,
): string {
  const parts: [string, string][] = [];
  if (environment !== undefined) parts.push([environment, 'environment']);
  if (service !== undefined) {
    if (environment === undefined) throw new TypeError(`${kind} of a service need its environment too`);
    parts.push([service, 'service name']);
  }
  return `${tenantFolder(tenant)}${kind}/${folder(...parts)}`;
}

function document(folderKey: string, id: string, what: string): string {
  assertKeySegment(id, what);
  return `${folderKey}${id}.json`;
}

/** Every key of one tenant: `tenants/<tenant>/`. */
export const tenantPrefix = tenantFolder;
export const tenantKey = (tenant: string) => `${tenantFolder(tenant)}tenant.json`;

export const hostsPrefix = (tenant: string) => `${tenantFolder(tenant)}hosts/`;
export const hostKey = (h: { tenant: string; id: string }) =>
  document(hostsPrefix(h.tenant), h.id, 'host id');

export const servicesPrefix = (tenant: string, environment?: string) =>
  scoped('services', tenant, environment, undefined);
export const serviceKey = (s: { tenant: string; environment: string; name: string }) =>
  document(servicesPrefix(s.tenant, s.environment), s.name, 'service name');

export const releasesPrefix = (tenant: string, environment?: string, service?: string) =>
  scoped('releases', tenant, environment, service);
export const releaseKey = (r: { tenant: string; environment: string; service: string; id: string }) =>
  document(releasesPrefix(r.tenant, r.environment, r.service), r.id, 'release id');

export const rolloutsPrefix = (tenant: string, environment?: string, service?: string) =>
  scoped('rollouts', tenant, environment, service);
export const rolloutKey = (r: { tenant: string; environment: string; service: string; id: string }) =>
  document(rolloutsPrefix(r.tenant, r.environment, r.service), r.id, 'rollout id');

export const allocationsPrefix = (tenant: string, environment?: string, service?: string) =>
  scoped('allocations', tenant, environment, service);
export const allocationKey = (a: { tenant: string; environment: string; service: string; id: string }) =>
  document(allocationsPrefix(a.tenant, a.environment, a.service), a.id, 'allocation id');

export const buildsPrefix = (tenant: string) => `${tenantFolder(tenant)}builds/`;
export const buildKey = (b: { tenant: string; id: string }) =>
  document(buildsPrefix(b.tenant), b.id, 'build id');

export const buildLogsPrefix = (tenant: string) => `${tenantFolder(tenant)}build-logs/`;
/** A finished build's archived log (the live one is a Redis stream, see `@slipway/queue`). */
export const buildLogArchiveKey = (b: { tenant: string; id: string }) =>
  document(buildLogsPrefix(b.tenant), b.id, 'build id');
