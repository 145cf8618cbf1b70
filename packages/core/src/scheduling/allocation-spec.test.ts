import { describe, expect, it } from '@jest/globals';
import type { Release } from '../domain/release.js';
import { allocationSpecFor, pinnedImage } from './allocation-spec.js';

const digest = `sha256:${'ab'.repeat(32)}`;
const release: Release = {
  id: 'r-1',
  tenant: 'acme',
  service: 'web',
  environment: 'production',
  image: '127.0.0.1:5000/acme/web:3f2c',
  digest,
  config: {
    port: 8080,
    resources: { cpuMillicores: 250, memoryMiB: 64 },
    health: { path: '/healthz', intervalMs: 5000, timeoutMs: 1000 },
    env: { MODE: 'prod' },
    secrets: ['DATABASE_URL'],
  },
  commit: null,
  buildId: null,
  createdAt: '2026-11-26T00:00:00.000Z',
};

describe('pinnedImage', () => {
  it.each([
    ['127.0.0.1:5000/acme/web:3f2c', '127.0.0.1:5000/acme/web'],
    ['127.0.0.1:5000/acme/web', '127.0.0.1:5000/acme/web'],
    [`ghcr.io/acme/web@${'sha256:'}${'cd'.repeat(32)}`, 'ghcr.io/acme/web'],
    ['busybox:1.36', 'busybox'],
  ])('pins %s to its repository at the digest', (image, repository) => {
    expect(pinnedImage({ image, digest })).toBe(`${repository}@${digest}`);
  });

  it('pulls the image as given when no digest was resolved', () => {
    expect(pinnedImage({ image: 'ghcr.io/acme/web:v1', digest: null })).toBe('ghcr.io/acme/web:v1');
  });
});

describe('allocationSpecFor', () => {
  const allocation = {
    id: 'web-0-abc',
    service: 'web',
    environment: 'production',
    slot: 0,
    host: 'h-1',
    release: 'r-1',
  };

  it('runs the release’s frozen config and names secrets without values', () => {
    expect(allocationSpecFor(release, allocation)).toEqual({
      allocation: 'web-0-abc',
      tenant: 'acme',
      service: 'web',
      environment: 'production',
      release: 'r-1',
      slot: 0,
      image: `127.0.0.1:5000/acme/web@${digest}`,
      port: 8080,
      resources: { cpuMillicores: 250, memoryMiB: 64 },
      env: { MODE: 'prod' },
      secrets: ['DATABASE_URL'],
      health: { path: '/healthz', intervalMs: 5000, timeoutMs: 1000 },
    });
  });

  it('refuses an allocation of another release', () => {
    expect(() => allocationSpecFor(release, { ...allocation, release: 'r-2' })).toThrow(/runs release r-2/);
  });
});
