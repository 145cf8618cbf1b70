import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { coveringPrefixes, smallestWithPrefix } from './covering-prefixes.js';

const WIDTH = 5;
const pad = (value: number) => String(value).padStart(WIDTH, '0');

describe('coveringPrefixes', () => {
  it('covers a range exactly, once, in ascending order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999 }),
        fc.integer({ min: 0, max: 99_999 }),
        fc.integer({ min: 0, max: 99_999 }),
        (a, b, probe) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const prefixes = coveringPrefixes(low, high, WIDTH);
          const matching = prefixes.filter((prefix) => pad(probe).startsWith(prefix));
          expect(matching.length).toBe(probe >= low && probe <= high ? 1 : 0);
          expect([...prefixes].sort()).toEqual(prefixes);
          expect(prefixes.length).toBeLessThanOrEqual(18 * WIDTH);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('lists the open-ended ranges that queries use', () => {
    expect(coveringPrefixes(0, 99_999, WIDTH)).toEqual(['']);
    expect(coveringPrefixes(79_746, 99_999, WIDTH)).toEqual([
      ...['79746', '79747', '79748', '79749'],
      ...['7975', '7976', '7977', '7978', '7979'],
      ...['798', '799'],
      '8',
      '9',
    ]);
    expect(coveringPrefixes(5, 4, WIDTH)).toEqual([]);
    expect(smallestWithPrefix('798', WIDTH)).toBe(79_800);
    expect(smallestWithPrefix('', WIDTH)).toBe(0);
  });
});
