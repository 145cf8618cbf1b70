/** Machine-readable reasons an edge operation failed. */
export type EdgeErrorCode =
  /** A route handed to `update()` is malformed; the previous table stays in force. */
  | 'EDGE_INVALID_ROUTE'
  /** `update()` was called after `close()`. */
  | 'EDGE_CLOSED';

/** The one error class the edge throws on purpose; switch on `code`. */
export class EdgeError extends Error {
  override readonly name = 'EdgeError';

  constructor(
    readonly code: EdgeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
