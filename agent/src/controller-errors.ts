/** The controller answered with an error (a 4xx, or a 5xx that outlasted the retries). */
export class ControllerRequestError extends Error {
  override readonly name = 'ControllerRequestError';

  constructor(
    /** `METHOD /path`, without query or secrets. */
    readonly request: string,
    readonly status: number,
    /** The API's `error.code` (`not_found`, `secrets_missing` …), or `http_<status>` without one. */
    readonly code: string,
    message: string,
  ) {
    super(`${request} answered ${status} ${code}: ${message}`);
  }
}

/** The controller could not be reached (refused, reset, timed out) after every retry. */
export class ControllerUnreachableError extends Error {
  override readonly name = 'ControllerUnreachableError';

  constructor(
    readonly request: string,
    readonly apiUrl: string,
    cause: unknown,
  ) {
    super(
      `${request}: the controller at ${apiUrl} did not answer (${cause instanceof Error ? cause.message : String(cause)}); check SLIPWAY_API_URL and that the controller runs`,
      { cause },
    );
  }
}

/** The controller answered 2xx with a body this agent does not understand (a version mismatch). */
export class ControllerResponseError extends Error {
  override readonly name = 'ControllerResponseError';

  constructor(
    readonly request: string,
    issues: string,
  ) {
    super(`${request}: unexpected response body (${issues}); is the agent as new as the controller?`);
  }
}
