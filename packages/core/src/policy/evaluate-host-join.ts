import type { Policy } from '../domain/policy.js';
import { checkLimit } from './check-limit.js';
import { decide, type PolicyDecision } from './policy-decision.js';

export interface HostJoin {
  /** Hosts the tenant already has, not counting the one joining. */
  hosts: number;
}

/**
 * Checks one more host joining the tenant against `limits.hosts`.
 *
 * @example evaluateHostJoin(policy, { hosts: 10 }) // with limits.hosts = 10 → denied: hosts 11
 */
export function evaluateHostJoin(policy: Policy, join: HostJoin): PolicyDecision {
  const denial = checkLimit(policy.limits, { limit: 'hosts', what: 'hosts', requested: join.hosts + 1 });
  return decide(denial === undefined ? [] : [denial]);
}
