import type { MemberRole } from '@slipway/core';

/**
 * Who may call a route. Every route declares one next to its schema; registration refuses a
 * route without it, so nothing is reachable by omission.
 *
 * - `public`: no token (health, the OpenAPI document).
 * - `user`: any signed-in user token (reads that are filtered to the caller, e.g. `GET /v1/me`).
 * - `admin`: platform admins only.
 * - `tenant`: the URL's `:tenant`, with at least `role` (admins always pass; role `admin` means
 *   admins only). A caller without access to that tenant gets 404, never 403, so tenant ids
 *   cannot be probed.
 * - `host`: a host token of the URL's `:tenant` (agents).
 * - `dashboard`: the dashboard's service secret (`SLIPWAY_DASHBOARD_SECRET`), which vouches for a
 *   person it signed in through GitHub or Google OAuth.
 */
export type AuthRule =
  | { kind: 'public' }
  | { kind: 'user' }
  | { kind: 'admin' }
  | { kind: 'tenant'; role: MemberRole | 'admin' }
  | { kind: 'host' }
  | { kind: 'dashboard' };

export const auth = {
  public: { kind: 'public' },
  user: { kind: 'user' },
  admin: { kind: 'admin' },
  viewer: { kind: 'tenant', role: 'viewer' },
  developer: { kind: 'tenant', role: 'developer' },
  owner: { kind: 'tenant', role: 'owner' },
  tenantAdmin: { kind: 'tenant', role: 'admin' },
  host: { kind: 'host' },
  dashboard: { kind: 'dashboard' },
} as const satisfies Record<string, AuthRule>;

/** One line for the OpenAPI description of a route. */
export function describeAuthRule(rule: AuthRule): string {
  switch (rule.kind) {
    case 'public':
      return 'No token needed.';
    case 'user':
      return 'Any user token.';
    case 'admin':
      return 'Platform admins only.';
    case 'tenant':
      return rule.role === 'admin'
        ? 'Platform admins only (the tenant must exist).'
        : `Members of the tenant with role ${rule.role} or higher, and platform admins.`;
    case 'host':
      return "The tenant's host tokens (agents) only.";
    case 'dashboard':
      return "The dashboard's service secret only (SLIPWAY_DASHBOARD_SECRET).";
  }
}
