const MAX_SHOWN = 40;

/**
 * Describes a value for the "got …" part of an error: text in quotes (shortened), numbers and
 * booleans as written, collections by kind.
 *
 * @example describeValue('eighty') // "'eighty'"
 * @example describeValue([1, 2])   // 'a list'
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    if (value === '') return "'' (empty text)";
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return `'${shown.replace(/\n/g, '\\n')}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (ArrayBuffer.isView(value)) return 'binary data';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return Object.keys(value).length === 0 ? 'an empty map' : 'a map';
  return typeof value;
}
