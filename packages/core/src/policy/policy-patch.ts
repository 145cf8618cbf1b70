import { z } from 'zod';
import { type Policy, policyLimitsSchema, policyPermissionsSchema, policySchema } from '../domain/policy.js';

/**
 * An admin's change to a tenant's policy: any of the limits and permissions, each replacing
 * the old value (lists are replaced whole). Unknown keys are errors, so a typo never passes
 * silently; the tenant cannot be changed.
 *
 * @example policyPatchSchema.parse({ limits: { replicasPerService: 20 } })
 */
export const policyPatchSchema = z.strictObject({
  limits: z.strictObject(policyLimitsSchema.partial().shape).optional(),
  permissions: z.strictObject(policyPermissionsSchema.partial().shape).optional(),
});
export type PolicyPatch = z.infer<typeof policyPatchSchema>;

/**
 * The policy with the patch applied. Both are validated: throws a `ZodError` (with the field
 * paths) when the patch or the result is not valid. Versioning the change is the store's job.
 *
 * @example applyPolicyPatch(defaultPolicy('acme'), { permissions: { privileged: true } })
 */
export function applyPolicyPatch(policy: Policy, patch: PolicyPatch): Policy {
  const { limits = {}, permissions = {} } = policyPatchSchema.parse(patch);
  return policySchema.parse({
    tenant: policy.tenant,
    limits: { ...policy.limits, ...definedOnly(limits) },
    permissions: { ...policy.permissions, ...definedOnly(permissions) },
  });
}

/** `{hosts: undefined}` leaves the limit as it was rather than erasing it. */
function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
