import { posix } from 'node:path';
import { InvalidBuildInputError } from './errors.js';

/**
 * A repository-relative folder as path segments: `'.'`, `''` and `'./'` are the root (`[]`),
 * `'services/api/'` is `['services', 'api']`. Absolute paths and `..` are refused.
 */
export function contextSegments(contextPath: string, field = 'context'): string[] {
  if (contextPath.startsWith('/') || contextPath.includes('\\') || contextPath.includes('\0')) {
    throw new InvalidBuildInputError([
      {
        path: field,
        message: `"${contextPath}" must be a forward-slash path relative to the repository root`,
      },
    ]);
  }
  const segments = contextPath.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw new InvalidBuildInputError([
      { path: field, message: `"${contextPath}" must stay inside the repository (no "..")` },
    ]);
  }
  return segments;
}

/** `rest` with `prefix` removed when `rest` starts with every segment of `prefix`; otherwise undefined. */
export function stripSegments(rest: readonly string[], prefix: readonly string[]): string[] | undefined {
  if (rest.length < prefix.length) return undefined;
  for (const [index, segment] of prefix.entries()) if (rest[index] !== segment) return undefined;
  return rest.slice(prefix.length);
}

/** Where a relative symlink target lands, from the folder holding the link; undefined when it leaves the root. */
export function resolveInside(linkDir: string, target: string): string | undefined {
  const resolved = posix.normalize(posix.join(linkDir, target));
  if (resolved === '..' || resolved.startsWith('../') || posix.isAbsolute(resolved)) return undefined;
  return resolved;
}
