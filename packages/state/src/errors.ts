/** Machine-readable reasons a state operation failed. */
export type StateErrorCode =
  /** A conditional write or delete lost: the etag moved, the document vanished, or it already exists. */
  | 'STATE_CONFLICT'
  /** A leader-only write carried a fencing token older than one the store has already seen. */
  | 'STATE_FENCED'
  /** A document that must exist does not. */
  | 'STATE_NOT_FOUND'
  /** A stored document is not valid JSON or does not match its schema. */
  | 'STATE_CORRUPT_DOCUMENT'
  /** A document handed to a repository does not match its schema; nothing was written. */
  | 'STATE_INVALID_DOCUMENT'
  /** A key, prefix or fence family is malformed, or names a reserved area. */
  | 'STATE_INVALID_KEY'
  /** The filesystem store could not take, or lost, the per-key lock. */
  | 'STATE_LOCK_FAILED';

/** Base class of every error this package throws on purpose; switch on `code`. */
export class StateError extends Error {
  override readonly name: string = 'StateError';

  constructor(
    readonly code: StateErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A precondition failed (`ifMatch` etag stale or missing document, `ifNoneMatch: '*'` on an existing
 * document). The usual answer is to read again, re-apply the change and retry (see `updateDocument`).
 */
export class ConflictError extends StateError {
  override readonly name = 'ConflictError';

  constructor(
    readonly key: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('STATE_CONFLICT', `Conflicting write to "${key}": ${detail}. Read it again and retry.`, options);
  }
}

/**
 * A write carried a fencing token whose epoch is older than the newest one recorded for its family:
 * the writer is a deposed leader and must stop writing (and step down) rather than retry.
 */
export class FencedError extends StateError {
  override readonly name = 'FencedError';

  constructor(
    readonly family: string,
    readonly epoch: number,
    readonly currentEpoch: number,
  ) {
    super(
      'STATE_FENCED',
      `Write fenced off: token ${family}#${epoch} is older than ${family}#${currentEpoch}. ` +
        'This process is no longer the leader; stop leader-only work and re-acquire the lease.',
    );
  }
}

/** A document that the caller required does not exist. */
export class NotFoundError extends StateError {
  override readonly name = 'NotFoundError';

  constructor(readonly key: string) {
    super('STATE_NOT_FOUND', `No document at "${key}".`);
  }
}

/** A stored document could not be decoded or failed validation; `key` says which one to fix or delete. */
export class CorruptDocumentError extends StateError {
  override readonly name = 'CorruptDocumentError';
  /** Validation issues (field paths and messages) when the document is valid JSON of the wrong shape. */
  readonly issues: readonly DocumentIssue[];

  constructor(
    readonly key: string,
    readonly reason: string,
    options?: { cause?: unknown; issues?: readonly DocumentIssue[] },
  ) {
    super(
      'STATE_CORRUPT_DOCUMENT',
      `Corrupt document at "${key}": ${reason}. Fix or delete that document; it will be ignored until then.`,
      options,
    );
    this.issues = options?.issues ?? [];
  }
}

/** A key, prefix or fence family is malformed or reserved; the message says which rule it broke. */
export class InvalidKeyError extends StateError {
  override readonly name = 'InvalidKeyError';

  constructor(
    readonly key: string,
    rule: string,
  ) {
    super('STATE_INVALID_KEY', `Invalid state key "${key}": ${rule}.`);
  }
}

/** A field path and message from schema validation. */
export interface DocumentIssue {
  path: readonly PropertyKey[];
  message: string;
}

/** A repository refused to write a document that does not match its schema; nothing was written. */
export class InvalidDocumentError extends StateError {
  override readonly name = 'InvalidDocumentError';
  readonly issues: readonly DocumentIssue[];

  constructor(kind: string, issues: readonly DocumentIssue[]) {
    super(
      'STATE_INVALID_DOCUMENT',
      `Refusing to store an invalid ${kind}: ${issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ')}.`,
    );
    this.issues = issues;
  }
}
