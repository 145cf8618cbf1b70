import { RegistryError } from '@slipway/cloud';
import {
  BuilderError,
  type BuilderErrorCode,
  BuildFailedError,
  RegistryUnavailableError,
} from '../errors.js';
import type { BuildFailure, BuildFailureKind } from '../feedback/build-feedback.js';

// Retrying these cannot help: the same Dockerfile, input or policy fails the same way.
const FINAL_CODES = new Set<BuilderErrorCode>([
  'BUILD_FAILED',
  'BUILD_INVALID_INPUT',
  'BUILD_INVALID_TARBALL',
  'BUILD_UNSAFE_TARBALL',
  'BUILD_REFUSED',
  'PUSH_FAILED',
  'SOURCE_NOT_FOUND',
]);

/**
 * Whether `error` ends the build at once (the sample-controller discipline: bad input → done, no
 * retry; transient → retried with backoff). Registry outages, GitHub hiccups and unknown errors
 * are retried; a cancelled build is not a failure at all and is never retried either.
 */
export function isFinalError(error: unknown): boolean {
  if (error instanceof BuilderError) return FINAL_CODES.has(error.code) || error.code === 'BUILD_CANCELLED';
  if (error instanceof RegistryError) return error.code !== 'REGISTRY_UNAVAILABLE';
  return false;
}

const KINDS: Partial<Record<BuilderErrorCode, BuildFailureKind>> = {
  BUILD_FAILED: 'build',
  BUILD_INVALID_INPUT: 'input',
  BUILD_INVALID_TARBALL: 'source',
  BUILD_UNSAFE_TARBALL: 'source',
  BUILD_REFUSED: 'refused',
  PUSH_FAILED: 'push',
  REGISTRY_UNAVAILABLE: 'registry',
  SOURCE_NOT_FOUND: 'source',
  SOURCE_UNAVAILABLE: 'source',
};

/**
 * A failed build in words for GitHub and the Build record: the kind, the message (what to do
 * next), and for Docker errors the failing step and Docker's own message. `logTail` is the end
 * of the build log. A registry that stayed down is said to be unreachable, after the retries.
 */
export function describeFailure(error: unknown, logTail: readonly string[]): BuildFailure {
  if (error instanceof RegistryUnavailableError)
    return {
      kind: 'registry',
      message: `The registry ${error.registry} is unreachable (${error.detail}). The push was retried with backoff and still failed. Check that the registry is running and reachable from the Docker engine, then re-run this build.`,
      logTail,
    };
  if (error instanceof BuildFailedError)
    return {
      kind: 'build',
      message: 'Fix the Dockerfile or the source and push again.',
      ...(error.step ? { step: error.step } : {}),
      dockerMessage: error.dockerMessage,
      logTail,
    };
  if (error instanceof RegistryError)
    return {
      kind: error.code === 'REGISTRY_UNAVAILABLE' ? 'registry' : 'push',
      message: error.message,
      logTail,
    };
  if (error instanceof BuilderError)
    return { kind: KINDS[error.code] ?? 'error', message: error.message, logTail };
  return {
    kind: 'error',
    message: `The builder hit an unexpected error (${error instanceof Error ? error.message : String(error)}); it was retried and still failed. Re-run this build; if it fails again, tell the Slipway operators.`,
    logTail,
  };
}

/** The failure in one paragraph, for the Build record's `error` and the job's failed reason. */
export function failureWords(failure: BuildFailure): string {
  if (failure.kind !== 'build' || failure.dockerMessage === undefined) return failure.message;
  const where = failure.step ? ` at "${failure.step}"` : '';
  return `Docker build failed${where}: ${failure.dockerMessage}. ${failure.message}`;
}
