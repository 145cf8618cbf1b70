import type { PolicyPermissions } from '../domain/policy.js';
import type { Builder } from '../domain/workload.js';
import { listForMessage, type PolicyDenial } from './policy-decision.js';

/** The denial of a builder the tenant may not use, if it may not. */
export function builderDenial(permissions: PolicyPermissions, builder: Builder): PolicyDenial | undefined {
  const allowed = permissions.allowedBuilders;
  if (allowed.includes(builder)) return undefined;
  return {
    policy: 'permissions.allowedBuilders',
    requested: builder,
    allowed,
    message: `builder ${builder} is not in permissions.allowedBuilders (${listForMessage(allowed)})`,
  };
}
