/** The hidden first line of Slipway's one comment on a pull request: how it is found again. */
export const PREVIEW_COMMENT_MARKER = '<!-- slipway:preview -->';

/** One service of a preview, as its row in the comment. */
export interface PreviewLine {
  service: string;
  url: string;
  /** The full commit sha the service runs (GitHub links and shortens it). */
  commit: string;
}

const ROW = /^\| ([^|\s]+) \| (\S+) \| ([0-9a-f]{40}) \|$/;

/** True for a comment body Slipway wrote as a preview comment. */
export function isPreviewComment(body: string | undefined | null): boolean {
  return typeof body === 'string' && body.startsWith(PREVIEW_COMMENT_MARKER);
}

/** The service rows of a preview comment (rows it cannot read are left out). Pure. */
export function previewLines(body: string): PreviewLine[] {
  const lines: PreviewLine[] = [];
  for (const text of body.split('\n')) {
    const match = ROW.exec(text.trim());
    if (match) lines.push({ service: match[1]!, url: match[2]!, commit: match[3]! });
  }
  return lines;
}

/**
 * The preview comment with `line` in it: the row of its service replaced (a re-deploy), or
 * added, and every other service's row kept; rows sorted by service. Pure.
 *
 * @example
 * previewCommentBody(undefined, { service: 'web', url: 'http://web-pr-7.acme.localhost:8080', commit: sha }, 7)
 * // → '<!-- slipway:preview -->\n### Slipway preview of #7\n\n| service | URL | commit |\n…'
 */
export function previewCommentBody(
  existing: string | undefined,
  line: PreviewLine,
  pullNumber: number,
): string {
  const kept = existing === undefined ? [] : previewLines(existing).filter((l) => l.service !== line.service);
  const rows = [...kept, line].sort((a, b) => a.service.localeCompare(b.service));
  return [
    PREVIEW_COMMENT_MARKER,
    `### Slipway preview of #${pullNumber}`,
    '',
    '| service | URL | commit |',
    '| --- | --- | --- |',
    ...rows.map((row) => `| ${row.service} | ${cell(row.url)} | ${row.commit} |`),
    '',
    'Slipway updates this comment each time a service of this pull request is deployed.',
  ].join('\n');
}

/** The preview comment once the pull request closed: the preview and its URLs are gone. Pure. */
export function closedPreviewCommentBody(pullNumber: number): string {
  return [
    PREVIEW_COMMENT_MARKER,
    `### Slipway preview of #${pullNumber}`,
    '',
    'The pull request closed, so its preview was removed. Reopening it builds the preview again.',
  ].join('\n');
}

/** A URL as one table cell: no pipe or whitespace can end the cell early. */
function cell(url: string): string {
  return url.replaceAll('|', '%7C').replace(/\s/g, encodeURIComponent);
}
