/** One service in one environment of one tenant: the unit container secrets belong to. */
export interface ServiceRef {
  tenant: string;
  environment: string;
  service: string;
}

/**
 * A tenant as a whole: the owner of **tenant secrets**, which Slipway itself uses on the tenant's
 * behalf (a CI token, a webhook secret) and which are never injected into a container. The `scope`
 * tag is required, so only a deliberate `tenantRef(…)` reaches them: a service ref missing its
 * environment or service is refused as an invalid service ref, never read as a tenant ref.
 */
export interface TenantRef {
  scope: 'tenant';
  tenant: string;
}

/** Whose secrets: one service's (injected into its containers) or the tenant's (never injected). */
export type SecretScope = ServiceRef | TenantRef;

/**
 * The tenant scope of `tenant`.
 *
 * @example
 * const { CIRCLECI_TOKEN } = await secrets.reveal(tenantRef('acme'), { names: ['CIRCLECI_TOKEN'] });
 */
export function tenantRef(tenant: string): TenantRef {
  return { scope: 'tenant', tenant };
}

/** True for a tenant scope; anything else is treated (and validated) as a service ref. */
export function isTenantScope(scope: SecretScope): scope is TenantRef {
  return (scope as Partial<TenantRef> | null)?.scope === 'tenant';
}

/** How a scope reads in messages: `acme/production/web` or `tenant acme`. Names only, never values. */
export function describeScope(scope: SecretScope): string {
  return isTenantScope(scope)
    ? `tenant ${scope.tenant}`
    : `${scope.tenant}/${scope.environment}/${scope.service}`;
}
