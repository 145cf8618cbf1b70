/**
 * MiB per unit. Binary units (Mi, Gi, Ti) are exact; decimal ones (M, G, T) are powers of ten,
 * as in Kubernetes, so `256M` is 256,000,000 bytes, about 245 MiB.
 */
export const MEMORY_UNITS = {
  Mi: 1,
  Gi: 1024,
  Ti: 1024 * 1024,
  M: 1e6 / 2 ** 20,
  G: 1e9 / 2 ** 20,
  T: 1e12 / 2 ** 20,
} as const;

export type MemoryUnit = keyof typeof MEMORY_UNITS;

export const MEMORY_UNIT_NAMES = Object.keys(MEMORY_UNITS) as MemoryUnit[];

/** A number followed by one of MEMORY_UNITS, e.g. `512Mi`, `1.5Gi`, `256M`. */
export const MEMORY_PATTERN = /^(\d+(?:\.\d+)?)(Mi|Gi|Ti|M|G|T)$/;

/**
 * Converts a memory size to whole MiB, rounding up so a limit never shrinks below what was asked.
 * Returns `undefined` when the text is not a memory size.
 *
 * @example memoryToMiB('1Gi')  // 1024
 * @example memoryToMiB('256M') // 245
 */
export function memoryToMiB(text: string): number | undefined {
  const match = MEMORY_PATTERN.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]) * MEMORY_UNITS[match[2] as MemoryUnit];
  // The epsilon keeps float noise (e.g. 0.1Gi) from rounding up a whole MiB.
  return Math.ceil(amount - 1e-9);
}

/** Formats MiB the way people write them: `1Gi` when it is whole gibibytes, else `512Mi`. */
export function formatMiB(mib: number): string {
  return mib % 1024 === 0 && mib > 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}
