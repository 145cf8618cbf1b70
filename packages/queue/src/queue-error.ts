export type QueueErrorCode = 'INVALID_JOB_PAYLOAD' | 'INVALID_BUILD_JOB_ID' | 'ENQUEUE_TIMEOUT';

/** A failure of the queue layer, with a code callers can branch on and a message saying what to do. */
export class QueueError extends Error {
  override readonly name = 'QueueError';
  constructor(
    readonly code: QueueErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
