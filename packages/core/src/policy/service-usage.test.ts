import { describe, expect, it } from '@jest/globals';
import type { Service } from '../domain/service.js';
import { serviceChangeSpec, sumServiceUsage } from './service-usage.js';

const service: Service = {
  tenant: 'acme',
  environment: 'production',
  name: 'web',
  source: {
    kind: 'build',
    repo: 'acme/shop',
    path: '.',
    dockerfile: 'Dockerfile',
    args: {},
    builder: 'circleci',
  },
  port: 8080,
  replicas: 3,
  resources: { cpuMillicores: 250, memoryMiB: 256 },
  health: { path: '/', intervalMs: 10_000, timeoutMs: 5000 },
  env: {},
  secrets: [],
  domains: [],
  visibility: 'internal',
  release: null,
};

describe('serviceChangeSpec', () => {
  it('takes the builder of a built service', () => {
    expect(serviceChangeSpec(service)).toEqual({
      name: 'web',
      replicas: 3,
      cpuMillicores: 250,
      memoryMiB: 256,
      visibility: 'internal',
      builder: 'circleci',
    });
  });

  it('takes the image of an image service', () => {
    const spec = serviceChangeSpec({ ...service, source: { kind: 'image', image: 'ghcr.io/a/b:1' } });
    expect(spec).toMatchObject({ image: 'ghcr.io/a/b:1' });
    expect(spec).not.toHaveProperty('builder');
  });
});

describe('sumServiceUsage', () => {
  it('counts services and sums replicas × resources', () => {
    const worker = { ...service, replicas: 2, resources: { cpuMillicores: 1000, memoryMiB: 512 } };
    const idle = { ...service, replicas: 0 };
    expect(sumServiceUsage([service, worker, idle])).toEqual({
      services: 3,
      cpuMillicores: 3 * 250 + 2 * 1000,
      memoryMiB: 3 * 256 + 2 * 512,
    });
  });

  it('is zero for no services', () => {
    expect(sumServiceUsage([])).toEqual({ services: 0, cpuMillicores: 0, memoryMiB: 0 });
  });
});
