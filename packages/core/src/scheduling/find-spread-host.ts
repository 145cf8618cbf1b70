import type { Resources } from '../domain/workload.js';
import type { CapacityBook } from './capacity-book.js';
import type { ServiceBook } from './service-book.js';

/**
 * Where the next replica of `service` goes — spread first, then fit: a host with no replica of
 * the service, in the zone with the fewest (best fit inside it); only when no such host has room,
 * the host with the fewest replicas (then fewest in its zone, then least memory left, then id).
 * -1 when no ready host has room. `zoneScratch` (one slot per zone) is reused: this is the hot path.
 */
export function findSpreadHost(
  book: CapacityBook,
  service: ServiceBook,
  need: Resources,
  zoneScratch: Int32Array,
): number {
  const zones = zonesByCount(service.zoneCount, zoneScratch);
  for (let k = 0; k < zones.length; k++) {
    const ordinal = book.bestFitInZone(zones[k]!, need, service.hostCount);
    if (ordinal >= 0) return ordinal;
  }
  let best = -1;
  let bestKey: [number, number, number] = [0, 0, 0];
  for (const [ordinal, count] of service.hostCount) {
    if (!book.placeable[ordinal] || !book.fits(ordinal, need)) continue;
    const key: [number, number, number] = [
      count,
      service.zoneCount[book.zoneOf[ordinal]!]!,
      book.freeMem[ordinal]!,
    ];
    if (best < 0 || lexLess(key, ordinal, bestKey, best)) {
      best = ordinal;
      bestKey = key;
    }
  }
  return best;
}

/** Zone indexes by (replicas of the service in it, index): an insertion sort into `zones`. */
function zonesByCount(counts: readonly number[], zones: Int32Array): Int32Array {
  for (let zone = 0; zone < zones.length; zone++) {
    let k = zone;
    while (k > 0 && counts[zones[k - 1]!]! > counts[zone]!) {
      zones[k] = zones[k - 1]!;
      k--;
    }
    zones[k] = zone;
  }
  return zones;
}

function lexLess(
  key: readonly number[],
  ordinal: number,
  other: readonly number[],
  otherOrdinal: number,
): boolean {
  for (let i = 0; i < key.length; i++) {
    if (key[i] !== other[i]) return key[i]! < other[i]!;
  }
  return ordinal < otherOrdinal;
}
