/**
 * The shortest decimal prefixes that together cover exactly the `width`-digit numbers from `low` to
 * `high` (inclusive), in ascending order. Listing each prefix in turn visits exactly the keys whose
 * fixed-width number lies in the range, in order — a stand-in for S3's StartAfter, which the
 * StateStore does not offer. At most 18 × width prefixes; '' when the range is everything.
 *
 * @example
 * coveringPrefixes(79_701, 99_999, 5) // ['79701', …, '79709', '7971', …, '7979', '798', '799', '8', '9']
 */
export function coveringPrefixes(low: number, high: number, width: number): string[] {
  const prefixes: string[] = [];
  const cover = (prefix: string): void => {
    const min = smallestWithPrefix(prefix, width);
    const max = Number(prefix.padEnd(width, '9'));
    if (max < low || min > high) return;
    if (min >= low && max <= high) {
      prefixes.push(prefix);
      return;
    }
    for (let digit = 0; digit <= 9; digit++) cover(`${prefix}${digit}`);
  };
  if (low <= high) cover('');
  return prefixes;
}

/** The smallest `width`-digit number that starts with `prefix` (digits only). */
export function smallestWithPrefix(prefix: string, width: number): number {
  return Number(prefix.padEnd(width, '0'));
}
