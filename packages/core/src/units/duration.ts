/** Milliseconds per duration unit. */
export const DURATION_UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

export type DurationUnit = keyof typeof DURATION_UNITS;

/** A number followed by a unit, e.g. `500ms`, `5s`, `1.5m`, `1h`. */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/**
 * Converts a duration to whole milliseconds. Returns `undefined` when the text is not a duration.
 *
 * @example durationToMs('5s')    // 5000
 * @example durationToMs('500ms') // 500
 */
export function durationToMs(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2] as DurationUnit]);
}

/** Formats milliseconds with the largest unit that divides them exactly: `10s`, `2m`, `1500ms`. */
export function formatMs(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) {
    const size = DURATION_UNITS[unit];
    if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
