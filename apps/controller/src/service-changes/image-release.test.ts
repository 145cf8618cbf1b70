import { describe, expect, it } from '@jest/globals';
import { imageReleaseId } from './image-release.js';

const input = {
  tenant: 'acme',
  environment: 'production',
  service: 'web',
  image: 'ghcr.io/acme/web:2',
  digest: null,
  config: {
    port: 80,
    resources: { cpuMillicores: 250, memoryMiB: 256 },
    health: { path: '/', intervalMs: 10_000, timeoutMs: 5000 },
    env: { A: '1', B: '2' },
    secrets: [],
  },
};

describe('imageReleaseId', () => {
  it('is a record id that depends on what the release is made of, not on key order', () => {
    const id = imageReleaseId(input);
    expect(id).toMatch(/^img-[0-9a-f]{32}$/);
    expect(imageReleaseId({ ...input, config: { ...input.config, env: { B: '2', A: '1' } } })).toBe(id);
    expect(imageReleaseId({ ...input, digest: `sha256:${'0'.repeat(64)}` })).not.toBe(id);
    expect(imageReleaseId({ ...input, environment: 'staging' })).not.toBe(id);
    expect(imageReleaseId({ ...input, config: { ...input.config, port: 81 } })).not.toBe(id);
  });
});
