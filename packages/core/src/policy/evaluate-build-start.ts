import type { Policy } from '../domain/policy.js';
import type { Builder } from '../domain/workload.js';
import { builderDenial } from './builder-denial.js';
import { checkLimit } from './check-limit.js';
import { decide, type PolicyDecision } from './policy-decision.js';

export interface BuildStart {
  builder: Builder;
  /** The tenant's builds running now, not counting this one. */
  runningBuilds: number;
}

/**
 * Checks a build about to start: its builder must be allowed, and it must fit under
 * `limits.concurrentBuilds`. A build denied only for concurrency can wait and try again.
 *
 * @example evaluateBuildStart(policy, { builder: 'native', runningBuilds: 1 })
 */
export function evaluateBuildStart(policy: Policy, build: BuildStart): PolicyDecision {
  const denials = [
    builderDenial(policy.permissions, build.builder),
    checkLimit(policy.limits, {
      limit: 'concurrentBuilds',
      what: 'concurrent builds',
      requested: build.runningBuilds + 1,
    }),
  ];
  return decide(denials.filter((denial) => denial !== undefined));
}
