/** One HTTP request the fake received, with the status it answered. */
export interface RecordedRequest {
  method: string;
  /** API path without the `/api/v3` prefix or query, e.g. `/repos/acme/web/check-runs`. */
  path: string;
  /** The request target as received, prefix and query included. */
  url: string;
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** Status the fake answered; 0 while the request is still being handled. */
  status: number;
  /** The route pattern that handled it, e.g. `POST /repos/:owner/:repo/check-runs`; undefined when none matched. */
  route: string | undefined;
}

/** Matches a request path: an exact path, or a regular expression tested against it. */
export type PathMatcher = string | RegExp;

/**
 * Every request in arrival order. An Array, so tests can use `filter`, `find`, `map`
 * directly, plus a few helpers for the assertions tests make most.
 */
export class RequestLog extends Array<RecordedRequest> {
  // Array methods like filter() build a new instance through Symbol.species: keep them plain arrays.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** Requests with this method (case-insensitive) whose path matches. */
  callsTo(method: string, path: PathMatcher): RecordedRequest[] {
    const upper = method.toUpperCase();
    return this.filter(
      (request) =>
        request.method === upper &&
        (typeof path === 'string' ? request.path === path : path.test(request.path)),
    );
  }

  /** Requests no route handled (answered 404 as an unknown endpoint): each is a call the fake does not model. */
  unhandled(): RecordedRequest[] {
    return this.filter((request) => request.route === undefined);
  }

  /** Forget everything recorded so far (e.g. between phases of one test). */
  clear(): void {
    this.length = 0;
  }
}
