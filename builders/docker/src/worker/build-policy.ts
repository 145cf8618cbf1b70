import { evaluateBuildStart, type Policy } from '@slipway/core';
import type { BuildJob } from '@slipway/queue';
import { BuildRefusedError } from '../errors.js';

/** Where a tenant's policy comes from: `PolicyStore` from @slipway/state. */
export interface PolicySource {
  get(tenant: string): Promise<{ policy: Policy }>;
}

/**
 * Refuses a build the tenant's policy does not allow: a builder outside
 * `permissions.allowedBuilders`, or `limits.concurrentBuilds` of 0. How many builds run at once
 * is the worker's tenant slots' business (their limit is {@link policyTenantLimit}), so this
 * counts no running builds.
 *
 * @throws BuildRefusedError naming every policy setting that refuses it.
 */
export async function assertBuildAllowed(policies: PolicySource, job: BuildJob): Promise<void> {
  const { policy } = await policies.get(job.tenant);
  const decision = evaluateBuildStart(policy, { builder: 'native', runningBuilds: 0 });
  if (!decision.allowed) throw new BuildRefusedError(decision.denials);
}

/**
 * The worker's `tenantLimit` from the tenants' policies (`limits.concurrentBuilds`; the default
 * policy gives 2). Each tenant's limit is kept for `ttlMs`, since an over-limit job asks every
 * ~2 s and a state-store read each time would cost more than a policy change is worth waiting for.
 */
export function policyTenantLimit(
  policies: PolicySource,
  options: { ttlMs?: number; now?: () => number } = {},
): (tenant: string) => Promise<number> {
  const ttlMs = options.ttlMs ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { limit: number; until: number }>();
  return async (tenant) => {
    const cached = cache.get(tenant);
    if (cached && cached.until > now()) return cached.limit;
    const { policy } = await policies.get(tenant);
    const limit = policy.limits.concurrentBuilds;
    cache.set(tenant, { limit, until: now() + ttlMs });
    return limit;
  };
}
