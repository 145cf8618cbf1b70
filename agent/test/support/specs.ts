import { type AllocationSpec, defaultPolicy, type Policy } from '@slipway/core';
import { WEB_PORT } from './web-image.js';

/** A spec serving the test page, with small limits; override what a test is about. */
export function webSpec(
  overrides: Partial<AllocationSpec> & Pick<AllocationSpec, 'allocation' | 'tenant' | 'image'>,
): AllocationSpec {
  return {
    service: 'web',
    environment: 'production',
    release: 'r-1',
    slot: 0,
    port: WEB_PORT,
    resources: { cpuMillicores: 250, memoryMiB: 64 },
    env: { GREETING: 'hello' },
    secrets: [],
    health: { path: '/', intervalMs: 5_000, timeoutMs: 1_000 },
    ...overrides,
  };
}

/** The default policy of `tenant`, with Docker Hub names allowed (the local test images are named like Hub's). */
export function testPolicy(tenant: string): Policy {
  const policy = defaultPolicy(tenant);
  return { ...policy, permissions: { ...policy.permissions, allowedRegistries: ['docker.io'] } };
}
