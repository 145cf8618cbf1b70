/**
 * Ids such as `github:12345` or an OAuth subject may hold characters a state key cannot (`:`, `@`,
 * `/`…). `escapeKeySegment` maps any string to a valid, reversible key segment: letters and digits
 * stay, `-` stays unless first, and every other byte of its UTF-8 form becomes `_XX` (hex). `.` is
 * escaped too, so a segment can never be a dotfile or end in `.json` (which only a document may).
 * So `github:12345` → `github_3A12345`, and two different ids never share a segment.
 */
const KEPT = /[A-Za-z0-9]/;
const KEPT_AFTER_FIRST = /-/;

/** The key segment of `value` (see above). Up to three times as long as `value`. */
export function escapeKeySegment(value: string): string {
  let out = '';
  let first = true;
  for (const char of value) {
    if (KEPT.test(char) || (!first && KEPT_AFTER_FIRST.test(char))) out += char;
    else {
      for (const byte of Buffer.from(char, 'utf8'))
        out += `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    first = false;
  }
  return out;
}

/** The string `escapeKeySegment` was given. */
export function unescapeKeySegment(segment: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < segment.length; ) {
    if (segment[index] === '_') {
      bytes.push(Number.parseInt(segment.slice(index + 1, index + 3), 16));
      index += 3;
    } else {
      bytes.push(segment.charCodeAt(index));
      index += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
