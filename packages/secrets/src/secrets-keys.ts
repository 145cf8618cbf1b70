import { assertKeySegment } from '@slipway/state';

/** One service in one environment of one tenant: the unit secrets belong to. */
export interface ServiceRef {
  tenant: string;
  environment: string;
  service: string;
}

/**
 * Where secrets live in the state store, beside (not inside) the service documents, so desired-state
 * documents never carry them: `tenants/<tenant>/secrets/` narrowed by environment when given.
 */
export function secretsPrefix(tenant: string, environment?: string): string {
  assertKeySegment(tenant, 'tenant id');
  if (environment === undefined) return `tenants/${tenant}/secrets/`;
  assertKeySegment(environment, 'environment');
  return `tenants/${tenant}/secrets/${environment}/`;
}

/** The key of a service's secrets document: `tenants/<tenant>/secrets/<environment>/<service>.json`. */
export function secretsKey(ref: ServiceRef): string {
  assertKeySegment(ref.service, 'service name');
  return `${secretsPrefix(ref.tenant, ref.environment)}${ref.service}.json`;
}
