import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { describeValue } from './describe-value.js';
import { didYouMean, editDistance } from './did-you-mean.js';
import { positionsOf } from './source-position.js';
import { formatPath } from './yaml-path.js';

describe('didYouMean', () => {
  const keys = [
    'build',
    'image',
    'port',
    'replicas',
    'resources',
    'health',
    'env',
    'secrets',
    'domains',
    'visibility',
  ];

  it.each([
    ['replica', 'replicas'],
    ['prot', 'port'],
    ['Port', 'port'],
    ['helth', 'health'],
    ['domain', 'domains'],
    ['imgae', 'image'],
    ['colour', undefined],
    ['x', undefined],
    ['e'.repeat(100), undefined],
  ])('%p → %p', (word, expected) => {
    expect(didYouMean(word, keys)).toBe(expected);
  });

  it('counts a swap of neighbours as one edit, and is a distance', () => {
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, a)).toBe(0);
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe('positionsOf', () => {
  it('maps offsets to 1-based lines and columns', () => {
    const at = positionsOf('ab\ncd\n\nx');
    expect(at(0)).toEqual({ line: 1, column: 1 });
    expect(at(2)).toEqual({ line: 1, column: 3 });
    expect(at(3)).toEqual({ line: 2, column: 1 });
    expect(at(6)).toEqual({ line: 3, column: 1 });
    expect(at(7)).toEqual({ line: 4, column: 1 });
    expect(at(99)).toEqual({ line: 4, column: 2 });
  });
});

describe('formatPath', () => {
  it.each([
    [['services', 'web', 'port'], 'services.web.port'],
    [['services', 'web', 'domains', 0], 'services.web.domains[0]'],
    [['branches', 'release/*'], 'branches."release/*"'],
    [['env', '2FA'], 'env."2FA"'],
    [[], ''],
  ])('%p → %p', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe('describeValue', () => {
  it.each([
    ['eighty', "'eighty'"],
    ['', "'' (empty text)"],
    ['a\nb', "'a\\nb'"],
    ['x'.repeat(50), `'${'x'.repeat(40)}…'`],
    [80, '80'],
    [false, 'false'],
    [null, 'an empty value'],
    [undefined, 'nothing'],
    [[], 'an empty list'],
    [[1], 'a list'],
    [{}, 'an empty map'],
    [{ a: 1 }, 'a map'],
    [new Uint8Array([104, 105]), 'binary data'],
  ])('%p → %p', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});
