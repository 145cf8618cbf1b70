import {
  evaluateServiceChange,
  type Policy,
  type PolicyDenial,
  type Service,
  serviceChangeSpec,
  sumServiceUsage,
} from '@slipway/core';
import { ApiError, type FieldError } from '../api/errors.js';

/** The setting of a service that a denied policy is about, as the request spells it. */
export type ServiceSetting = 'name' | 'replicas' | 'cpu' | 'memory' | 'visibility' | 'image' | 'builder';

const settingOfPolicy: Record<string, ServiceSetting> = {
  'limits.services': 'name',
  'limits.previews': 'name',
  'limits.replicasPerService': 'replicas',
  'limits.cpuMillicores': 'cpu',
  'limits.memoryMiB': 'memory',
  'permissions.publicLoadBalancers': 'visibility',
  'permissions.allowedBuilders': 'builder',
  'permissions.allowedRegistries': 'image',
};

export interface ServiceChangeCheck {
  policy: Policy;
  /** The service as it would be after the change. */
  service: Service;
  /** The tenant's other services (not this one): their count and Σ cpu / memory. */
  others: readonly Service[];
  isNew: boolean;
  /** Registry hosts of the platform's own registry: always allowed. */
  platformRegistries: readonly string[];
  /** Where in the request each setting was given, e.g. `replicas` → `body.replicas`. */
  fieldOf(setting: ServiceSetting | undefined): string;
}

/** The denials of one service change; empty when the policy allows it. */
export function serviceChangeDenials(check: Omit<ServiceChangeCheck, 'fieldOf'>): PolicyDenial[] {
  const decision = evaluateServiceChange(
    check.policy,
    { service: serviceChangeSpec(check.service), usage: sumServiceUsage(check.others), isNew: check.isNew },
    { platformRegistries: check.platformRegistries },
  );
  return decision.allowed ? [] : decision.denials;
}

/** The field errors of `denials`, each naming its limit or permission. */
export function denialFields(
  denials: readonly PolicyDenial[],
  fieldOf: ServiceChangeCheck['fieldOf'],
): FieldError[] {
  return denials.map((denial) => ({
    path: fieldOf(settingOfPolicy[denial.policy]),
    message: denial.message,
  }));
}

/** A 400 `policy_denied` naming every limit and permission the change would break. */
export function policyDenied(fields: readonly FieldError[]): ApiError {
  const summary = fields.map((f) => f.message).join('; ');
  return new ApiError(400, 'policy_denied', `the tenant's policy does not allow this: ${summary}`, [
    ...fields,
  ]);
}

/** Throws {@link policyDenied} unless the policy allows the change. */
export function assertServiceChangeAllowed(check: ServiceChangeCheck): void {
  const denials = serviceChangeDenials(check);
  if (denials.length > 0) throw policyDenied(denialFields(denials, check.fieldOf));
}
