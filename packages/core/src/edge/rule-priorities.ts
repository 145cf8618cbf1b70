import { stableHash } from '../scheduling/stable-hash.js';

/** ELBv2 rule priorities run from 1 to 50,000 per listener. */
export const MAX_RULE_PRIORITY = 50_000;

/**
 * A priority per host name, unique on the listener. Each is derived from the host name's hash,
 * so adding or removing another host name leaves it where it is (no rule churn, no
 * SetRulePriorities storms); a collision moves the later name, in sorted order, to the next free
 * slot. Host-header rules never overlap, so their order does not matter — only stability does.
 */
export function rulePriorities(hostnames: readonly string[]): Map<string, number> {
  const taken = new Set<number>();
  const priorities = new Map<string, number>();
  for (const hostname of [...new Set(hostnames)].sort()) {
    let priority = 1 + (Number.parseInt(stableHash('rule', hostname).slice(0, 8), 16) % MAX_RULE_PRIORITY);
    while (taken.has(priority)) priority = (priority % MAX_RULE_PRIORITY) + 1;
    taken.add(priority);
    priorities.set(hostname, priority);
  }
  return priorities;
}
