import { IdentityError } from './identity-error.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** API tokens live 90 days unless asked otherwise, and never more than a year. */
export const API_TOKEN_DEFAULT_TTL_MS = 90 * DAY_MS;
export const API_TOKEN_MAX_TTL_MS = 365 * DAY_MS;
/** Join tokens live a day unless asked otherwise (multi-use ones for autoscaling groups may live a year). */
export const JOIN_TOKEN_DEFAULT_TTL_MS = DAY_MS;
export const JOIN_TOKEN_MAX_TTL_MS = 365 * DAY_MS;

/** The expiry (ms) of a token created at `now`: `expiresAt` if given and within `maxTtlMs`, else `now + defaultTtlMs`. */
export function resolveExpiry(options: {
  now: number;
  expiresAt: number | undefined;
  defaultTtlMs: number;
  maxTtlMs: number;
  what: string;
}): number {
  const { now, expiresAt, maxTtlMs, what } = options;
  if (expiresAt === undefined) return now + options.defaultTtlMs;
  if (!Number.isFinite(expiresAt) || expiresAt <= now) {
    throw new IdentityError('invalid_input', `The ${what}'s expiresAt must be a time (ms) after now.`, {
      issues: [{ path: ['expiresAt'], message: 'must be after now' }],
    });
  }
  if (expiresAt > now + maxTtlMs) {
    const days = Math.round(maxTtlMs / DAY_MS);
    throw new IdentityError(
      'invalid_input',
      `A ${what} may live at most ${days} days; pick an earlier expiresAt.`,
      {
        issues: [{ path: ['expiresAt'], message: `at most ${days} days from now` }],
      },
    );
  }
  return expiresAt;
}
