import type { PolicyLimits } from '../domain/policy.js';
import type { PolicyDenial } from './policy-decision.js';

export interface LimitCheck {
  limit: keyof PolicyLimits;
  /** What is counted, as the message names it: `replicas`, `hosts`. */
  what: string;
  /** The amount there would be after the change. */
  requested: number;
  /** Appended to amounts in the message: `m` for millicores, ` MiB`. */
  unit?: string;
  /** How `requested` adds up, in parentheses after it. */
  detail?: string;
}

/**
 * Checks one amount against one of the tenant's limits: allowed at the limit, denied above.
 *
 * @example checkLimit(limits, { limit: 'replicasPerService', what: 'replicas', requested: 12 })
 * // → { policy: 'limits.replicasPerService', requested: 12, allowed: 10,
 * //     message: "replicas 12 exceeds the tenant's limit limits.replicasPerService = 10" }
 */
export function checkLimit(limits: PolicyLimits, check: LimitCheck): PolicyDenial | undefined {
  const allowed = limits[check.limit];
  if (check.requested <= allowed) return undefined;
  const unit = check.unit ?? '';
  const detail = check.detail === undefined ? '' : ` (${check.detail})`;
  const policy = `limits.${check.limit}`;
  return {
    policy,
    requested: check.requested,
    allowed,
    message: `${check.what} ${check.requested}${unit}${detail} exceeds the tenant's limit ${policy} = ${allowed}${unit}`,
  };
}
