import { stableHash } from '../scheduling/stable-hash.js';

// ELBv2 names: at most 32 characters, letters, digits and '-', not starting or ending with '-'
// (nor with `internal-`). They must be unique in the account and region, and the same on every
// pass — so each carries a hash of everything that identifies it, and a readable cut of the
// tenant and service for people reading the console.

/** Every name Slipway gives an ELBv2 resource starts with this; the adapter lists only these. */
export const EDGE_NAME_PREFIX = 'slw-';

export const MAX_ELB_NAME_LENGTH = 32;

/** A tenant's load balancer for one visibility: `slw-<hash8>-p-<tenant…>` (p public, i internal). */
export function loadBalancerName(tenant: string, visibility: 'public' | 'internal'): string {
  const hash = stableHash('load-balancer', tenant, visibility).slice(0, 8);
  return join([EDGE_NAME_PREFIX + hash, visibility === 'public' ? 'p' : 'i', readable(tenant, 16)]);
}

/** A service's target group for one container port: `slw-<hash10>-<tenant…>-<service…>`. */
export function targetGroupName(ref: {
  tenant: string;
  environment: string;
  service: string;
  port: number;
}): string {
  const hash = stableHash('target-group', ref.tenant, ref.environment, ref.service, String(ref.port)).slice(
    0,
    10,
  );
  return join([EDGE_NAME_PREFIX + hash, readable(ref.tenant, 6), readable(ref.service, 8)]);
}

/** The key of a certificate's domain set (its `slipway:certificate` tag). */
export function certificateKey(tenant: string, domains: readonly string[]): string {
  return stableHash('certificate', tenant, ...domains).slice(0, 12);
}

/** The first `max` characters of a DNS label, without a trailing '-'. */
function readable(label: string, max: number): string {
  return label.slice(0, max).replace(/-+$/, '');
}

function join(parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join('-');
}
