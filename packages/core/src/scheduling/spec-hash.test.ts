import { describe, expect, it } from '@jest/globals';
import type { AllocationSpec } from './agent-actions.js';
import { spec } from './scheduling-fixtures.js';
import { specHash } from './spec-hash.js';

describe('specHash', () => {
  it('is 16 hex digits and the same for the same spec', () => {
    expect(specHash(spec)).toMatch(/^[0-9a-f]{16}$/);
    expect(specHash(structuredClone(spec))).toBe(specHash(spec));
  });

  it('does not depend on key order, at any depth', () => {
    const reordered = Object.fromEntries(Object.entries(spec).reverse()) as unknown as AllocationSpec;
    const env = { B: '2', A: '1' };
    const resources = { memoryMiB: 256, cpuMillicores: 250 };
    expect(specHash({ ...reordered, env, resources })).toBe(specHash(spec));
  });

  it('changes when anything the container is created from changes', () => {
    const variants: AllocationSpec[] = [
      { ...spec, image: spec.image.replace('aaaa', 'bbbb') },
      { ...spec, resources: { cpuMillicores: 500, memoryMiB: 256 } },
      { ...spec, env: { A: '1', B: '3' } },
      { ...spec, secrets: [] },
      { ...spec, privileged: true },
      { ...spec, port: 8081 },
    ];
    const hashes = new Set([spec, ...variants].map(specHash));
    expect(hashes.size).toBe(variants.length + 1);
  });

  it('ignores draining: a leaving container is never replaced for it', () => {
    expect(specHash({ ...spec, drainingSince: '2026-11-26T12:00:00.000Z' })).toBe(specHash(spec));
  });

  it('treats an absent optional field like an undefined one', () => {
    expect(specHash({ ...spec, privileged: undefined })).toBe(specHash(spec));
  });
});
