// Well-formed Build and Release records for tests, with whatever fields a test cares about overridden.

import { randomBytes } from 'node:crypto';
import type { Build, Release, Service } from '@slipway/core';

const sha = () => randomBytes(20).toString('hex');

export function sampleBuild(fields: Partial<Build> & Pick<Build, 'tenant' | 'id'>): Build {
  return {
    service: 'web',
    environment: 'production',
    commit: sha(),
    builder: 'native',
    status: 'succeeded',
    createdAt: '2025-11-26T07:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    error: null,
    attempt: 1,
    ref: 'refs/heads/main',
    releaseId: null,
    ...fields,
  };
}

export function sampleRelease(fields: Partial<Release> & Pick<Release, 'tenant' | 'id'>): Release {
  return {
    service: 'web',
    environment: 'production',
    image: `127.0.0.1:5000/${fields.tenant}/web:latest`,
    digest: `sha256:${randomBytes(32).toString('hex')}`,
    config: {
      port: 8080,
      resources: { cpuMillicores: 250, memoryMiB: 256 },
      health: { path: '/', intervalMs: 10_000, timeoutMs: 5000 },
      env: { GREETING: 'hello' },
      secrets: ['DATABASE_URL'],
    },
    commit: sha(),
    buildId: null,
    createdAt: '2025-11-26T07:00:00.000Z',
    ...fields,
  };
}

export function sampleService(fields: Partial<Service> & Pick<Service, 'tenant'>): Service {
  return {
    environment: 'production',
    name: 'web',
    source: { kind: 'image', image: `127.0.0.1:5000/${fields.tenant}/web:latest` },
    port: 8080,
    replicas: 1,
    resources: { cpuMillicores: 250, memoryMiB: 256 },
    health: { path: '/', intervalMs: 10_000, timeoutMs: 5000 },
    env: {},
    secrets: [],
    domains: [],
    visibility: 'public',
    release: null,
    ...fields,
  };
}
