export type BuildLogErrorCode = 'live_log_unavailable' | 'too_many_followers';

/** A build's log cannot be served right now; the message says what to do about it. */
export class BuildLogError extends Error {
  override readonly name = 'BuildLogError';
  constructor(
    readonly code: BuildLogErrorCode,
    message: string,
  ) {
    super(message);
  }
}
