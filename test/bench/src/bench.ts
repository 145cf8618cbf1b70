/** One benchmark: measures itself and a baseline in the same run, and returns the figures. */
export interface Bench {
  name: string;
  /** What it measures and the goal, one line (printed before it runs). */
  description: string;
  run(): Promise<Record<string, number | string | boolean>>;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}
