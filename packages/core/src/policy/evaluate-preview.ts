import type { Policy } from '../domain/policy.js';
import { checkLimit } from './check-limit.js';
import { decide, type PolicyDecision } from './policy-decision.js';

export interface PreviewOpen {
  /** Previews the tenant has open, not counting this one. */
  previews: number;
}

/**
 * Checks one more preview (the deployment of a pull request) against `limits.previews`.
 *
 * @example evaluatePreview(policy, { previews: 4 }) // with limits.previews = 5 → allowed
 */
export function evaluatePreview(policy: Policy, preview: PreviewOpen): PolicyDecision {
  const denial = checkLimit(policy.limits, {
    limit: 'previews',
    what: 'previews',
    requested: preview.previews + 1,
  });
  return decide(denial === undefined ? [] : [denial]);
}
