/** Why the edge itself answered with a 5xx (or cut a response). */
export type EdgeFailureCause =
  /** 503: the route has no backend. */
  | 'no_backend'
  /** 502: every backend tried failed before answering. */
  | 'backend_unreachable'
  /** 504: the backend did not answer in time. */
  | 'backend_timeout'
  /** The backend broke the connection after the response had started: the client's response was cut. */
  | 'backend_aborted';

/** Counters since start; a snapshot, safe to keep. */
export interface EdgeStats {
  /** HTTP requests received (upgrades included). */
  requests: number;
  /** Requests for a hostname no route claims (404). */
  notFound: number;
  /** Attempts sent to another backend after one failed. */
  retries: number;
  /** WebSocket (and other) upgrades passed through. */
  upgrades: number;
  /** 5xx answered by backends themselves, passed through unchanged. */
  backend5xx: number;
  /** 5xx the edge produced, by cause. */
  failures: Record<EdgeFailureCause, number>;
  /** Requests being served right now. */
  inFlight: number;
}

export function emptyStats(): EdgeStats {
  return {
    requests: 0,
    notFound: 0,
    retries: 0,
    upgrades: 0,
    backend5xx: 0,
    failures: { no_backend: 0, backend_unreachable: 0, backend_timeout: 0, backend_aborted: 0 },
    inFlight: 0,
  };
}
