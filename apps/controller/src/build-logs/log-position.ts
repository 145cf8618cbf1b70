/**
 * Where a reader is in a build's log: after a Redis stream entry (`1718000000000-0`, the live
 * log's own ids) or after a line of the archived copy (`a-42` = its 42nd line; archived lines have
 * no stream ids). Clients pass either back as `?after=` or as SSE's `Last-Event-ID`.
 */
export type LogPosition = { kind: 'stream'; id: string } | { kind: 'archive'; line: number };

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
const ARCHIVE_ID = /^a-(\d{1,9})$/;

/** The id of the archive's `line`-th line (1-based). */
export function archiveLineId(line: number): string {
  return `a-${line}`;
}

/** Parses a log line id, or returns undefined when it is neither kind. */
export function parseLogPosition(text: string): LogPosition | undefined {
  if (STREAM_ID.test(text)) return { kind: 'stream', id: text };
  const archived = ARCHIVE_ID.exec(text);
  return archived ? { kind: 'archive', line: Number(archived[1]) } : undefined;
}
