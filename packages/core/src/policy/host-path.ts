/** A host path after resolving `.`, `..` and repeated slashes, or why it cannot be used. */
export type NormalisedHostPath =
  | { ok: true; path: string }
  | { ok: false; reason: 'relative' | 'escapes' | 'invalid' };

/**
 * Resolves a host path lexically, as the kernel would without symlinks: `/data/./x//y/..` is
 * `/data/x`. Relative paths, paths whose `..` climbs above `/` and paths with NUL bytes or
 * backslashes are refused rather than guessed at.
 *
 * @example normaliseHostPath('/data/../etc')   // { ok: true, path: '/etc' }
 * @example normaliseHostPath('/data/../../x')  // { ok: false, reason: 'escapes' }
 */
export function normaliseHostPath(path: string): NormalisedHostPath {
  if (!path.startsWith('/')) return { ok: false, reason: 'relative' };
  if (/[\0\\]/.test(path)) return { ok: false, reason: 'invalid' };
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return { ok: false, reason: 'escapes' };
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  return { ok: true, path: `/${segments.join('/')}` };
}

/**
 * Whether `prefix` covers `path`, segment by segment: `/data` covers `/data` and `/data/x`
 * but not `/database`. Both are normalised first; a path or prefix that cannot be normalised
 * is never covered and never covers anything.
 */
export function hostPathCovers(prefix: string, path: string): boolean {
  const normalPrefix = normaliseHostPath(prefix);
  const normalPath = normaliseHostPath(path);
  if (!normalPrefix.ok || !normalPath.ok) return false;
  if (normalPrefix.path === '/') return true;
  return normalPath.path === normalPrefix.path || normalPath.path.startsWith(`${normalPrefix.path}/`);
}
