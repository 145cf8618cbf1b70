/** A GitHub App permission level. */
export type PermissionLevel = 'read' | 'write' | 'admin';

/** GitHub App permissions by name, e.g. `{ contents: 'read', checks: 'write' }`. */
export type AppPermissions = Record<string, PermissionLevel>;

/** What one endpoint needs; any one of the alternatives is enough (PR comments: issues OR pull_requests). */
export type PermissionNeed = AppPermissions | AppPermissions[];

const RANK: Record<PermissionLevel, number> = { read: 1, write: 2, admin: 3 };

/** The permissions Slipway's GitHub App asks for; the fake grants them unless a test says otherwise. */
export const DEFAULT_APP_PERMISSIONS: AppPermissions = {
  metadata: 'read',
  contents: 'read',
  checks: 'write',
  deployments: 'write',
  issues: 'write',
  pull_requests: 'write',
  statuses: 'write',
  members: 'read',
};

/** True when `granted` covers every permission in `wanted` at least at the wanted level. */
export function covers(granted: AppPermissions, wanted: AppPermissions): boolean {
  return Object.entries(wanted).every(([name, level]) => {
    const have = granted[name];
    return have !== undefined && RANK[have] >= RANK[level];
  });
}

/** True when `granted` satisfies the need (one alternative is enough). */
export function satisfies(granted: AppPermissions, need: PermissionNeed): boolean {
  const alternatives = Array.isArray(need) ? need : [need];
  return alternatives.some((wanted) => covers(granted, wanted));
}

/** True when `value` is a valid permission level name. */
export function isPermissionLevel(value: unknown): value is PermissionLevel {
  return value === 'read' || value === 'write' || value === 'admin';
}
