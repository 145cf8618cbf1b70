/** The running state of a hash: two 32-bit lanes. Saved after a common prefix, it can be resumed. */
export type HashLanes = readonly [number, number];

const START: HashLanes = [0x811c9dc5, 0x2bd1e995];

/**
 * A 64-bit, non-cryptographic hash of strings as 16 hex digits: two 32-bit FNV-1a style lanes
 * with different primes and a final avalanche. Deterministic on every platform; good enough to
 * tell specs and allocation ids apart, not to resist an attacker (nothing here needs that).
 * Each part is preceded by a newline, so `stableHash('a', 'b')` ≠ `stableHash('ab')`.
 */
export function stableHash(...parts: readonly string[]): string {
  const [a, b] = hashLanes(parts);
  return hex8(avalanche(a)) + hex8(avalanche(b));
}

/** Mix `parts` into the lanes `from` (by default the start): `hashLanes([x, y]) = hashLanes([y], hashLanes([x]))`. */
export function hashLanes(parts: readonly string[], from: HashLanes = START): [number, number] {
  let [a, b] = from;
  for (let p = 0; p < parts.length; p++) {
    const text = parts[p]!;
    a = Math.imul(a ^ 10, 0x01000193);
    b = Math.imul(b ^ 10, 0x5bd1e995);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x5bd1e995);
    }
  }
  return [a, b];
}

/** The lanes finished and cut to 48 bits, as 12 hex digits. */
export function hex48(lanes: HashLanes): string {
  const a = avalanche(lanes[0]);
  const b = avalanche(lanes[1]);
  // By table, byte by byte: Number#toString(16) is slow on numbers past 31 bits.
  return (
    HEX[a >>> 24]! +
    HEX[(a >>> 16) & 0xff]! +
    HEX[(a >>> 8) & 0xff]! +
    HEX[a & 0xff]! +
    HEX[b >>> 24]! +
    HEX[(b >>> 16) & 0xff]!
  );
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Spread every input bit over the output (murmur3's finaliser). */
function avalanche(h: number): number {
  let x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** JSON with object keys sorted at every level, so key order does not change the text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}
