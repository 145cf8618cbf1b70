import { type HashLanes, hashLanes, hex48 } from './stable-hash.js';

export interface AllocationIdParts {
  tenant: string;
  environment: string;
  service: string;
  slot: number;
  release: string;
  host: string;
}

/**
 * The id of a new allocation, derived from what it is and where it goes — never random — so a
 * new leader replanning the same state produces the same ids (no duplicates after failover).
 * `<service (≤ 40 chars)>-<slot>-<12 hex digits>`; on the (unlikely) clash with an id in
 * `inUse`, the next attempt's hash is taken.
 *
 * @example allocationId({ tenant: 'acme', environment: 'production', service: 'web', slot: 0, release: 'r-1', host: 'h-1' }, new Set())
 * // 'web-0-…' (the same every time)
 */
export function allocationId(parts: AllocationIdParts, inUse: ReadonlySet<string>): string {
  const seed = allocationIdSeed(parts.tenant, parts.environment, parts.service, parts.release);
  return allocationIdFromSeed(seed, parts.service, parts.slot, parts.host, inUse);
}

/** The hash of what all of a service's allocations share; planners compute it once per service. */
export function allocationIdSeed(
  tenant: string,
  environment: string,
  service: string,
  release: string,
): HashLanes {
  return hashLanes([tenant, environment, service, release]);
}

/** {@link allocationId} from a saved {@link allocationIdSeed}. */
export function allocationIdFromSeed(
  seed: HashLanes,
  service: string,
  slot: number,
  host: string,
  inUse: ReadonlySet<string>,
): string {
  const slotText = String(slot);
  const prefix = `${service.length > 40 ? service.slice(0, 40) : service}-${slotText}-`;
  const lanes = hashLanes([slotText, host], seed);
  for (let attempt = 0; ; attempt++) {
    const id = prefix + hex48(attempt === 0 ? lanes : hashLanes([String(attempt)], lanes));
    if (!inUse.has(id)) return id;
  }
}
