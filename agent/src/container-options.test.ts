import { describe, expect, it } from '@jest/globals';
import type { AllocationSpec } from '@slipway/core';

import { containerName, containerOptions } from './container-options.js';
import { LABELS } from './labels.js';

const spec: AllocationSpec = {
  allocation: 'a-1',
  tenant: 'acme',
  service: 'web',
  environment: 'production',
  release: 'r-7',
  slot: 2,
  image: '127.0.0.1:5000/acme/web@sha256:abc',
  port: 3000,
  resources: { cpuMillicores: 500, memoryMiB: 256 },
  env: { NODE_ENV: 'production', SHARED: 'plain' },
  secrets: ['SHARED'],
  health: { path: '/healthz', intervalMs: 5_000, timeoutMs: 1_000 },
};

describe('containerOptions', () => {
  const options = containerOptions({
    hostId: 'h-1',
    spec,
    specHash: 'hash-1',
    network: 'slipway-acme',
    secretEnv: { SHARED: 'secret' },
    labels: { 'io.slipway.test': 'x', [LABELS.host]: 'spoofed' },
  });

  it('labels the container with its host, tenant, service, environment, release, allocation and spec hash', () => {
    expect(options.Labels).toEqual({
      'io.slipway.test': 'x',
      'io.slipway.host': 'h-1',
      'io.slipway.tenant': 'acme',
      'io.slipway.service': 'web',
      'io.slipway.environment': 'production',
      'io.slipway.release': 'r-7',
      'io.slipway.allocation': 'a-1',
      'io.slipway.slot': '2',
      'io.slipway.spec': 'hash-1',
    });
  });

  it('sets cpu and memory limits, restart policy and only the tenant network', () => {
    expect(options.HostConfig).toMatchObject({
      NetworkMode: 'slipway-acme',
      NanoCpus: 500_000_000,
      Memory: 256 * 1024 * 1024,
      RestartPolicy: { Name: 'unless-stopped' },
      Privileged: false,
    });
    expect(options.HostConfig?.CapAdd).toBeUndefined();
    expect(options.HostConfig?.Mounts).toBeUndefined();
  });

  it('exposes the port and publishes it on an ephemeral host port', () => {
    expect(options.ExposedPorts).toEqual({ '3000/tcp': {} });
    expect(options.HostConfig?.PortBindings).toEqual({ '3000/tcp': [{ HostIp: '', HostPort: '' }] });
  });

  it('passes env with PORT, secrets winning over plain env of the same name', () => {
    expect(options.Env).toEqual(['PORT=3000', 'NODE_ENV=production', 'SHARED=secret']);
  });

  it('names the container after host and allocation so agents sharing an engine never collide', () => {
    expect(options.name).toBe(containerName('h-1', 'a-1'));
    expect(containerName('h-1', 'a-1')).not.toBe(containerName('h-2', 'a-1'));
  });

  it('turns allowed privileges, capabilities and host volumes into Docker settings', () => {
    const privileged = containerOptions({
      hostId: 'h-1',
      spec: {
        ...spec,
        privileged: true,
        capabilities: ['NET_ADMIN'],
        hostVolumes: [{ hostPath: '/data/x', containerPath: '/x', readOnly: true }],
      },
      specHash: 'hash-2',
      network: 'slipway-acme',
      publishAddress: '127.0.0.1',
    });
    expect(privileged.HostConfig).toMatchObject({
      Privileged: true,
      CapAdd: ['NET_ADMIN'],
      Mounts: [{ Type: 'bind', Source: '/data/x', Target: '/x', ReadOnly: true }],
      PortBindings: { '3000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
    });
  });
});
