/** CPU as written by people: millicores like `250m`, or cores like `0.5` / `2` (as text). */
export const CPU_PATTERN = /^(?:\d+m|\d+(?:\.\d+)?)$/;

/**
 * Converts a CPU amount to millicores (1000 = one core), rounding to the nearest millicore.
 * Returns `undefined` when the text is not a CPU amount.
 *
 * @example cpuToMillicores('250m') // 250
 * @example cpuToMillicores(0.5)    // 500
 */
export function cpuToMillicores(value: string | number): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  if (!CPU_PATTERN.test(value)) return undefined;
  return value.endsWith('m') ? Number(value.slice(0, -1)) : Math.round(Number(value) * 1000);
}

/** Formats millicores the way people write them: whole cores as `2`, the rest as `250m`. */
export function formatMillicores(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}
