import { createRedactingLogger, type RedactingLoggerOptions } from '@slipway/secrets';
import type { DestinationStream, Logger } from 'pino';

/**
 * The controller's pino logger: JSON, with every secret-shaped field redacted — the secrets
 * package's paths plus the GitHub token a binding request carries.
 */
export function createControllerLogger(
  options: RedactingLoggerOptions,
  destination?: DestinationStream,
): Logger {
  return createRedactingLogger(
    { ...options, redact: [...(options.redact ?? []), 'githubToken', '*.githubToken', '*.*.githubToken'] },
    destination,
  );
}
