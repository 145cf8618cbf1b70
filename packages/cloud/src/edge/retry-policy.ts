/** How a backend attempt failed, as far as retrying is concerned. */
export type BackendFailure =
  /** No connection was made: the backend never saw the request. */
  | 'connect'
  /** The connection broke before any response byte arrived: the backend may have seen it. */
  | 'reset'
  /** The backend took too long: it may still be working on it. */
  | 'timeout';

const CONNECT_ERRORS = new Set([
  /** The edge's own: the TCP connection was not made within the connect timeout. */
  'EDGE_CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Sorts a proxying error into a `BackendFailure`. */
export function classifyBackendError(error: unknown): BackendFailure {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EDGE_BACKEND_TIMEOUT') return 'timeout';
  if (typeof code === 'string' && CONNECT_ERRORS.has(code)) return 'connect';
  return 'reset';
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RetryQuestion {
  method: string;
  failure: BackendFailure;
  /** The request carries a body (Content-Length > 0 or Transfer-Encoding). */
  requestHasBody: boolean;
  /** Some of the response already went to the client. */
  responseStarted: boolean;
}

/**
 * Whether a failed attempt may go to another backend. Never once the client has response
 * bytes (it would get two responses spliced together); never with a body, whose bytes were
 * streamed into the failed attempt and cannot be replayed; after a connect failure any method
 * (no backend saw it); after a reset only GET/HEAD/OPTIONS (a backend may have acted on it).
 */
export function mayRetry(question: RetryQuestion): boolean {
  if (question.responseStarted || question.requestHasBody) return false;
  if (question.failure === 'connect') return true;
  if (question.failure === 'reset') return IDEMPOTENT_METHODS.has(question.method.toUpperCase());
  return false;
}
