import { describe, expect, it } from '@jest/globals';
import { assertKeySegment } from '@slipway/state';
import fc from 'fast-check';
import { escapeKeySegment, unescapeKeySegment } from './key-segment.js';

describe('escapeKeySegment', () => {
  it('keeps letters and digits and escapes the rest as _XX', () => {
    expect(escapeKeySegment('github:12345')).toBe('github_3A12345');
    expect(escapeKeySegment('a_b')).toBe('a_5Fb');
    expect(escapeKeySegment('.hidden-x.y')).toBe('_2Ehidden-x_2Ey');
    expect(escapeKeySegment('me.json')).toBe('me_2Ejson');
    expect(escapeKeySegment('-opt')).toBe('_2Dopt');
    expect(escapeKeySegment('é')).toBe('_C3_A9');
  });

  it('always gives a valid key segment that turns back into the same string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }),
          fc.string({ minLength: 1 }).map((s) => `${s}.json`),
        ),
        (value) => {
          const segment = escapeKeySegment(value);
          expect(() => assertKeySegment(segment, 'test id')).not.toThrow();
          expect(unescapeKeySegment(segment)).toBe(value);
        },
      ),
    );
  });
});
