import pRetry from 'p-retry';
import { RegistryUnavailableError } from './errors.js';

export interface RegistryRetryOptions {
  /** Retries after the first attempt; 4 by default (≈ 1 + 2 + 4 + 8 s with the default backoff). */
  retries?: number;
  /** First delay in ms; doubles each time up to maxTimeoutMs. */
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
  signal?: AbortSignal;
  /** Told about each failed attempt before the wait, e.g. to write "registry down, retrying" to the build log. */
  onRetry?: (error: RegistryUnavailableError, attempt: number, retriesLeft: number) => void;
}

/**
 * Runs `operation`, retrying with exponential backoff only while it throws
 * {@link RegistryUnavailableError}; any other error (a refused push, a cancelled build) ends it at once.
 * After the last retry the RegistryUnavailableError itself is thrown, so the failure says the registry is down.
 *
 * @example
 * const { digest } = await withRegistryRetry(() => pushImage({ docker, tag, authconfig }), { signal });
 */
export function withRegistryRetry<T>(
  operation: () => Promise<T>,
  options: RegistryRetryOptions = {},
): Promise<T> {
  return pRetry(() => operation(), {
    retries: options.retries ?? 4,
    minTimeout: options.minTimeoutMs ?? 1000,
    maxTimeout: options.maxTimeoutMs ?? 30_000,
    factor: 2,
    ...(options.signal ? { signal: options.signal } : {}),
    shouldRetry: ({ error }) => error instanceof RegistryUnavailableError,
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (error instanceof RegistryUnavailableError && retriesLeft > 0)
        options.onRetry?.(error, attemptNumber, retriesLeft);
    },
  });
}
