/** Docker grants every capability for `ALL`; a policy listing `ALL` allows any of them. */
export const ALL_CAPABILITIES = 'ALL';

/**
 * A Linux capability as the policy names it. Docker takes `net_admin`, `NET_ADMIN` and
 * `CAP_NET_ADMIN` for the same capability, so the policy must too.
 *
 * @example normaliseCapability('cap_net_admin') // 'NET_ADMIN'
 */
export function normaliseCapability(name: string): string {
  const upper = name.toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice('CAP_'.length) : upper;
}

/** Whether a list of allowed capabilities (as in the policy) allows `name`. */
export function capabilityAllowed(allowed: readonly string[], name: string): boolean {
  const normalised = allowed.map(normaliseCapability);
  return normalised.includes(ALL_CAPABILITIES) || normalised.includes(normaliseCapability(name));
}
