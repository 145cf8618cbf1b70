import type { z } from 'zod';
import { IdentityError } from './identity-error.js';

/** Validates `value` against `schema`, or throws `invalid_input` naming every bad field of `what`. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
  const listed = issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  throw new IdentityError('invalid_input', `Invalid ${what}: ${listed.join('; ')}.`, { issues });
}

/** A wall-clock time in ms as the ISO 8601 timestamp the stored records use. */
export function isoTime(ms: number): string {
  if (!Number.isFinite(ms)) {
    throw new IdentityError('invalid_input', `now must be a wall-clock time in ms, got ${ms}.`);
  }
  return new Date(ms).toISOString();
}
