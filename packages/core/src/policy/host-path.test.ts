import { describe, expect, it } from '@jest/globals';
import { hostPathCovers, normaliseHostPath } from './host-path.js';

describe('normaliseHostPath', () => {
  it.each([
    ['/', '/'],
    ['/data', '/data'],
    ['/data/', '/data'],
    ['//data//x///', '/data/x'],
    ['/data/./x', '/data/x'],
    ['/data/x/..', '/data'],
    ['/data/../etc', '/etc'],
    ['/data/..', '/'],
    ['/a/b/../../c', '/c'],
    ['/data/...', '/data/...'],
    ['/data/..x', '/data/..x'],
  ])('%s → %s', (path, normalised) => {
    expect(normaliseHostPath(path)).toEqual({ ok: true, path: normalised });
  });

  it.each([
    ['', 'relative'],
    ['data', 'relative'],
    ['./data', 'relative'],
    ['../data', 'relative'],
    ['~/data', 'relative'],
    ['/..', 'escapes'],
    ['/../data', 'escapes'],
    ['/data/../..', 'escapes'],
    ['/data/../../etc', 'escapes'],
    ['/data\0', 'invalid'],
    ['/data\\x', 'invalid'],
  ])('refuses %j: %s', (path, reason) => {
    expect(normaliseHostPath(path)).toEqual({ ok: false, reason });
  });
});

describe('hostPathCovers is path-segment aware', () => {
  it.each([
    ['/data', '/data', true],
    ['/data', '/data/', true],
    ['/data', '/data/x', true],
    ['/data', '/data/x/y/z', true],
    ['/data', '/data//x', true],
    ['/data', '/data/x/../y', true],
    ['/data/', '/data/x', true],
    ['/data/../srv', '/srv/x', true],
    ['/', '/etc', true],
    ['/', '/', true],
    ['/data', '/database', false],
    ['/data', '/dat', false],
    ['/data', '/', false],
    ['/data', '/data/..', false],
    ['/data', '/data/../etc', false],
    ['/data', '/data/../../data', false],
    ['/data', 'data/x', false],
    ['/data/x', '/data', false],
    ['/..', '/etc', false],
    ['data', '/data', false],
  ])('%s covers %s: %s', (prefix, path, covers) => {
    expect(hostPathCovers(prefix, path)).toBe(covers);
  });
});
