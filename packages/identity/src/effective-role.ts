import type { MemberRole, Tenant } from '@slipway/core';
import type { Principal } from './principal.js';

/** A member role, or `admin` (a platform admin token), which outranks every member role. */
export type EffectiveRole = MemberRole | 'admin';

const RANK: Record<EffectiveRole, number> = { viewer: 1, developer: 2, owner: 3, admin: 4 };

/** Whether `role` is `needed` or more (viewer < developer < owner < admin); false for no role. */
export function roleAtLeast(role: EffectiveRole | undefined, needed: EffectiveRole): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}

/**
 * The role `principal` holds in `tenant` right now:
 * - an admin token → `admin`;
 * - a token scoped to `tenant` with role R → the lower of R and the user's current membership role,
 *   so removing or downgrading a member also limits their tokens; another tenant → undefined;
 * - an unscoped user token → the user's current membership role;
 * - a host → undefined (hosts are authorized by their own rules).
 *
 * It reports; the caller's route decides what the role may do (see `roleAtLeast`).
 *
 * @example
 * if (!roleAtLeast(effectiveRole(principal, tenant), 'developer')) return reply.code(404).send(...);
 */
export function effectiveRole(principal: Principal, tenant: Tenant): EffectiveRole | undefined {
  if (principal.kind !== 'user') return undefined;
  if (principal.admin) return 'admin';
  const membership = tenant.members.find((member) => member.user === principal.user.id)?.role;
  if (membership === undefined) return undefined;
  if (!principal.scope) return membership;
  if (principal.scope.tenant !== tenant.id) return undefined;
  return RANK[principal.scope.role] < RANK[membership] ? principal.scope.role : membership;
}
