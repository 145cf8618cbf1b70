/** Machine-readable reasons an audit operation failed. */
export type AuditErrorCode =
  /** An entry handed to `append` does not match the schema (or its details look like a secret); nothing was written. */
  | 'AUDIT_INVALID_ENTRY'
  /** A query's filters, limit or cursor are malformed. */
  | 'AUDIT_INVALID_QUERY'
  /** An entry with the same id already exists; entries are never overwritten. */
  | 'AUDIT_DUPLICATE_ENTRY'
  /** The store refused or failed one of the entry's writes. */
  | 'AUDIT_WRITE_FAILED';

/** A field path and what is wrong with it. */
export interface AuditIssue {
  path: readonly PropertyKey[];
  message: string;
}

/** Base class of every error this package throws on purpose; switch on `code`. */
export class AuditError extends Error {
  override readonly name: string = 'AuditError';

  constructor(
    readonly code: AuditErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function describeIssues(issues: readonly AuditIssue[]): string {
  return issues
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** `append` refused an entry; `issues` name the fields (API layers map them to a 400 with field paths). */
export class InvalidAuditEntryError extends AuditError {
  override readonly name = 'InvalidAuditEntryError';

  constructor(readonly issues: readonly AuditIssue[]) {
    super('AUDIT_INVALID_ENTRY', `Refusing to record an invalid audit entry: ${describeIssues(issues)}.`);
  }
}

/** `query` refused its arguments; `issues` name the fields. */
export class InvalidAuditQueryError extends AuditError {
  override readonly name = 'InvalidAuditQueryError';

  constructor(readonly issues: readonly AuditIssue[]) {
    super('AUDIT_INVALID_QUERY', `Invalid audit query: ${describeIssues(issues)}.`);
  }
}

/**
 * The entry's document already exists. Ids carry 64 random bits, so this means the id source is
 * broken (e.g. a fixed random function), not bad luck; the existing entry was left untouched.
 */
export class DuplicateAuditEntryError extends AuditError {
  override readonly name = 'DuplicateAuditEntryError';

  constructor(
    readonly id: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(
      'AUDIT_DUPLICATE_ENTRY',
      `Audit entry ${id} already exists at "${key}"; audit entries are append-only and never overwritten. ` +
        'Check that the id source returns fresh random values.',
      options,
    );
  }
}

/** One or both copies of an entry could not be written; `written` lists the keys that were. */
export class AuditWriteError extends AuditError {
  override readonly name = 'AuditWriteError';

  constructor(
    readonly id: string,
    readonly written: readonly string[],
    failures: readonly { key: string; error: unknown }[],
  ) {
    const reasons = failures.map(({ key, error }) => `"${key}": ${errorMessage(error)}`).join('; ');
    super(
      'AUDIT_WRITE_FAILED',
      `Audit entry ${id} was not fully recorded (${reasons}). Check the state store's health; ` +
        (written.length > 0
          ? `it was recorded at ${written.map((key) => `"${key}"`).join(', ')}.`
          : 'nothing was recorded.'),
      { cause: failures[0]?.error },
    );
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
