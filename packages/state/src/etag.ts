/**
 * Normalises an etag to its bare form: S3 sends `"abc"` (quoted, sometimes `W/"abc"`), callers may pass
 * either, and the stores compare and return the bare value `abc`.
 */
export function normaliseEtag(etag: string): string {
  const bare = etag.startsWith('W/') ? etag.slice(2) : etag;
  return bare.length >= 2 && bare.startsWith('"') && bare.endsWith('"') ? bare.slice(1, -1) : bare;
}
