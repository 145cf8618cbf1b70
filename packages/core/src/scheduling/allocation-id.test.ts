import { describe, expect, it } from '@jest/globals';
import { RECORD_ID_PATTERN } from '../domain/names.js';
import { allocationId } from './allocation-id.js';
import { planPlacement } from './plan-placement.js';
import { host, input, TENANT, wanted } from './scheduling-fixtures.js';
import { stableHash } from './stable-hash.js';

const parts = {
  tenant: TENANT,
  environment: 'production',
  service: 'web',
  slot: 3,
  release: 'r-1',
  host: 'h-1',
};

describe('allocationId', () => {
  it('is the same for the same parts and differs when any part differs', () => {
    const id = allocationId(parts, new Set());
    expect(id).toMatch(/^web-3-[0-9a-f]{12}$/);
    expect(allocationId({ ...parts }, new Set())).toBe(id);
    const others = [
      { ...parts, tenant: 'globex' },
      { ...parts, environment: 'staging' },
      { ...parts, release: 'r-2' },
      { ...parts, host: 'h-2' },
    ].map((p) => allocationId(p, new Set()));
    expect(new Set([id, ...others]).size).toBe(5);
  });

  it('takes another id when the first is in use', () => {
    const first = allocationId(parts, new Set());
    const second = allocationId(parts, new Set([first]));
    expect(second).not.toBe(first);
    expect(second).toMatch(/^web-3-[0-9a-f]{12}$/);
  });

  it('stays a valid record id for the longest service names', () => {
    const service = 'a'.repeat(63);
    expect(allocationId({ ...parts, service, slot: 999 }, new Set())).toMatch(RECORD_ID_PATTERN);
  });

  it('is what the planner gives a new allocation', () => {
    const plan = planPlacement(input([host('h-1')], [wanted('web', 1, { release: 'r-1' })]));
    const expected = allocationId({ ...parts, slot: 0 }, new Set());
    expect(plan.allocations.map((a) => a.id)).toEqual([expected]);
  });
});

describe('stableHash', () => {
  it('separates its parts', () => {
    expect(stableHash('a', 'b')).not.toBe(stableHash('ab'));
    expect(stableHash('ab')).toMatch(/^[0-9a-f]{16}$/);
  });
});
