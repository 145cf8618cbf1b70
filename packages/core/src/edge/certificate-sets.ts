import { certificateKey } from './edge-names.js';

/**
 * The certificates that cover a tenant's served host names: each host name is covered by the
 * wildcard of its parent (`api.acme.example.com` → `*.acme.example.com`), the zone's apex by
 * itself — so a new service under an existing parent needs no new certificate and no new
 * validation. The names are cut, in sorted order, into sets of at most `maxNames`; each set is
 * one certificate, keyed by a hash of its names.
 */
export function certificateSets(
  tenant: string,
  zoneDomain: string,
  hostnames: readonly string[],
  maxNames: number,
): { key: string; domains: string[] }[] {
  const names = new Set<string>();
  for (const hostname of hostnames)
    names.add(hostname === zoneDomain ? hostname : `*.${hostname.slice(hostname.indexOf('.') + 1)}`);
  const sorted = [...names].sort();
  const sets: { key: string; domains: string[] }[] = [];
  for (let start = 0; start < sorted.length; start += maxNames) {
    const domains = sorted.slice(start, start + maxNames);
    sets.push({ key: certificateKey(tenant, domains), domains });
  }
  return sets;
}

/** Whether `hostname` is the zone's domain or under it. */
export function isInZone(hostname: string, zoneDomain: string): boolean {
  return hostname === zoneDomain || hostname.endsWith(`.${zoneDomain}`);
}
