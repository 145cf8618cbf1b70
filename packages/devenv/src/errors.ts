/**
 * A real component the platform needs is not installed. The message names the package to install,
 * because "command not found" three layers down tells a newcomer nothing.
 */
export class MissingDependencyError extends Error {
  override readonly name = 'MissingDependencyError';
  constructor(
    readonly component: string,
    readonly install: string,
  ) {
    super(`${component} is not installed and nothing answers in its place. Install it with: ${install}`);
  }
}

/** A component was started (or found) but did not become ready in time. */
export class ServiceNotReadyError extends Error {
  override readonly name = 'ServiceNotReadyError';
  constructor(
    readonly component: string,
    detail: string,
    readonly logFile?: string,
  ) {
    super(`${component} did not become ready: ${detail}${logFile ? ` (see ${logFile})` : ''}`);
  }
}
