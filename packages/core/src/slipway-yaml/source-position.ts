/** A place in the text, both 1-based, as editors show it. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * Returns a function mapping a character offset of `text` to its line and column.
 *
 * @example positionsOf('a: 1\nb: x')(8) // { line: 2, column: 4 }
 */
export function positionsOf(text: string): (offset: number) => SourcePosition {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return (offset) => {
    const at = Math.max(0, Math.min(offset, text.length));
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: at - (lineStarts[low] ?? 0) + 1 };
  };
}
