import { describe, expect, it } from '@jest/globals';
import { lifecyclePolicyText } from './lifecycle-policy.js';

describe('lifecyclePolicyText', () => {
  it('keeps the last N images of any tag status and expires the rest', () => {
    expect(lifecyclePolicyText({ keepLast: 30 })).toBe(
      '{"rules":[{"rulePriority":1,"description":"Keep the last 30 images",' +
        '"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":30},' +
        '"action":{"type":"expire"}}]}',
    );
  });

  it('is the same text every time, so putting it again changes nothing', () => {
    expect(lifecyclePolicyText({ keepLast: 5 })).toBe(lifecyclePolicyText({ keepLast: 5 }));
  });

  it.each([0, -1, 2.5, Number.NaN, 10_001])('refuses keepLast %p with a configuration error', (keepLast) => {
    expect(() => lifecyclePolicyText({ keepLast })).toThrow(
      expect.objectContaining({ code: 'REGISTRY_INVALID_OPTION' }),
    );
  });
});
