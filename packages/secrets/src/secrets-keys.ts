import { assertKeySegment } from '@slipway/state';
import { isTenantScope, type SecretScope } from './secret-scope.js';

export type { ServiceRef } from './secret-scope.js';

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

/**
 * The key of a scope's secrets document: `tenants/<tenant>/secrets/<environment>/<service>.json` for a
 * service, `tenants/<tenant>/secrets/tenant.json` for the tenant. The tenant's sits one level up, where
 * no service's can: environments are folders there, and a DNS-label environment is never `tenant.json`.
 */
export function secretsKey(scope: SecretScope): string {
  if (isTenantScope(scope)) return `${secretsPrefix(scope.tenant)}tenant.json`;
  assertKeySegment(scope.service, 'service name');
  return `${secretsPrefix(scope.tenant, scope.environment)}${scope.service}.json`;
}
