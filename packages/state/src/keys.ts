import { InvalidKeyError } from './errors.js';

/**
 * Key rules, shared by every store so that a key valid in S3 is valid on disk and cannot escape the
 * filesystem store's root:
 * - '/'-separated segments, no leading or trailing '/', no empty segment, at most 512 characters;
 * - each segment is `[A-Za-z0-9_][A-Za-z0-9._-]*` (so never `.`, `..`, a dotfile or an option-like `-x`);
 * - a key names a JSON document: its last segment ends in `.json` and no other segment does, so a
 *   document can never also be a "folder" of other documents (a file cannot be a directory on disk).
 * Keys under `_fences/` belong to the fencing records and cannot be written directly.
 */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const PREFIX_TAIL = /^[A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 512;

/** Top-level folder of the fencing records (`_fences/<family>.json`). */
export const FENCES_FOLDER = '_fences';

function segmentProblem(segment: string, last: boolean): string | undefined {
  if (segment === '') return 'it has an empty segment (a leading, trailing or doubled "/")';
  if (!SEGMENT.test(segment)) {
    return `segment "${segment}" must start with a letter, digit or "_" and contain only letters, digits, ".", "_" and "-"`;
  }
  if (last && (!segment.endsWith('.json') || segment === '.json')) return 'a key must end in ".json"';
  if (!last && segment.endsWith('.json')) return `folder segment "${segment}" must not end in ".json"`;
  return undefined;
}

function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key === '') return 'a key must be a non-empty string';
  if (key.length > MAX_KEY_LENGTH) return `a key must be at most ${MAX_KEY_LENGTH} characters`;
  const segments = key.split('/');
  for (const [index, segment] of segments.entries()) {
    const problem = segmentProblem(segment, index === segments.length - 1);
    if (problem) return problem;
  }
  return undefined;
}

/** True when `key` follows the key rules (see `assertKey`). */
export function isValidKey(key: string): boolean {
  return keyProblem(key) === undefined;
}

/** Throws `InvalidKeyError` unless `key` follows the key rules above. */
export function assertKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new InvalidKeyError(String(key), problem);
}

/** Throws `InvalidKeyError` unless `key` is valid and outside the reserved `_fences/` folder. */
export function assertWritableKey(key: string): void {
  assertKey(key);
  if (key.startsWith(`${FENCES_FOLDER}/`)) {
    throw new InvalidKeyError(
      key,
      `"${FENCES_FOLDER}/" is reserved for fencing records; pass a fence token instead`,
    );
  }
}

/**
 * Throws `InvalidKeyError` unless `prefix` is a listable prefix: '' (everything), or whole folder
 * segments followed by an optional partial segment, e.g. `tenants/acme/` or `tenants/acme/serv`.
 */
export function assertPrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw new InvalidKeyError(String(prefix), 'a prefix must be a string');
  if (prefix.length > MAX_KEY_LENGTH) {
    throw new InvalidKeyError(prefix, `a prefix must be at most ${MAX_KEY_LENGTH} characters`);
  }
  const segments = prefix.split('/');
  const tail = segments.pop() ?? '';
  for (const segment of segments) {
    const problem = segmentProblem(segment, false);
    if (problem) throw new InvalidKeyError(prefix, problem);
  }
  if (!PREFIX_TAIL.test(tail)) {
    throw new InvalidKeyError(prefix, 'a prefix may contain only letters, digits, "/", ".", "_" and "-"');
  }
}

/**
 * The key of the fencing record of `family`, e.g. `scheduler` → `_fences/scheduler.json`.
 * A family is one or more folder-like segments (`scheduler`, `rollouts/acme`).
 */
export function fenceKey(family: string): string {
  const key = `${FENCES_FOLDER}/${family}.json`;
  const problem =
    typeof family === 'string' && family !== '' ? keyProblem(key) : 'a family must be non-empty';
  if (problem) throw new InvalidKeyError(String(family), `invalid fence family: ${problem}`);
  return key;
}

/**
 * Throws `InvalidKeyError` unless `value` can be one folder segment of a key (an id such as a tenant
 * or service name): no '/', no leading '.', not ending in ".json". `what` names it in the message.
 */
export function assertKeySegment(value: string, what: string): void {
  const problem = typeof value === 'string' ? segmentProblem(value, false) : 'it is not a string';
  if (problem) throw new InvalidKeyError(String(value), `not usable as a ${what} in a key: ${problem}`);
}
