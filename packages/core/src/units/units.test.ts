import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { cpuToMillicores, formatMillicores } from './cpu.js';
import { durationToMs, formatMs } from './duration.js';
import { formatMiB, memoryToMiB } from './memory.js';

describe('cpu', () => {
  it.each([
    ['250m', 250],
    ['1m', 1],
    ['0.5', 500],
    ['2', 2000],
    [0.25, 250],
    [1.0005, 1001],
    ['lots', undefined],
    ['-1', undefined],
    ['0.5m', undefined],
    [-1, undefined],
    [Number.NaN, undefined],
  ] as const)('%p is %p millicores', (text, expected) => {
    expect(cpuToMillicores(text)).toBe(expected);
  });

  it('formats whole cores as cores and the rest as millicores, and reads them back', () => {
    expect(formatMillicores(2000)).toBe('2');
    expect(formatMillicores(1500)).toBe('1500m');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (m) => cpuToMillicores(formatMillicores(m)) === m),
    );
  });
});

describe('memory', () => {
  it.each([
    ['512Mi', 512],
    ['1Gi', 1024],
    ['1.5Gi', 1536],
    ['1Ti', 1024 * 1024],
    ['256M', 245],
    ['1G', 954],
    ['0.1Gi', 103],
    ['512MB', undefined],
    ['512', undefined],
    ['1gi', undefined],
    ['Gi', undefined],
  ] as const)('%p is %p MiB', (text, expected) => {
    expect(memoryToMiB(text)).toBe(expected);
  });

  it('formats whole GiB as Gi and the rest as Mi, and reads them back', () => {
    expect(formatMiB(2048)).toBe('2Gi');
    expect(formatMiB(1000)).toBe('1000Mi');
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e7 }), (mib) => memoryToMiB(formatMiB(mib)) === mib));
  });
});

describe('duration', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['5', undefined],
    ['5 s', undefined],
    ['5sec', undefined],
    ['-5s', undefined],
  ] as const)('%p is %p ms', (text, expected) => {
    expect(durationToMs(text)).toBe(expected);
  });

  it('formats with the largest exact unit, and reads it back', () => {
    expect(formatMs(90_000)).toBe('90s');
    expect(formatMs(120_000)).toBe('2m');
    expect(formatMs(1500)).toBe('1500ms');
    expect(formatMs(0)).toBe('0ms');
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e9 }), (ms) => durationToMs(formatMs(ms)) === ms));
  });
});
