import { describe, expect, it } from '@jest/globals';
import { AgentConfigError, agentConfigFromEnv } from './agent-env.js';

describe('agentConfigFromEnv', () => {
  it('fills the defaults: local controller, state folder per tenant, local socket, 127.0.0.1', () => {
    const config = agentConfigFromEnv({ SLIPWAY_TENANT: 'acme', SLIPWAY_JOIN_TOKEN: 'slj_abc' }, '/srv');
    expect(config).toMatchObject({
      apiUrl: 'http://127.0.0.1:4000',
      tenant: 'acme',
      joinToken: 'slj_abc',
      hostName: undefined,
      stateDir: '/srv/.slipway/agent/acme',
      labels: { zone: 'local', pool: 'default' },
      docker: { socketPath: '/var/run/docker.sock' },
      publishAddress: '127.0.0.1',
    });
    expect(config.capacity.cpuMillicores).toBeGreaterThanOrEqual(1000);
    expect(config.capacity.memoryMiB).toBeGreaterThan(0);
  });

  it('reads every variable, and names the state folder after the host id', () => {
    const config = agentConfigFromEnv(
      {
        SLIPWAY_API_URL: 'http://ctl:4000',
        SLIPWAY_TENANT: 'acme',
        SLIPWAY_HOST_ID: 'h-web-1',
        SLIPWAY_HOST_CPU_MILLICORES: '1500',
        SLIPWAY_HOST_MEMORY_MIB: '2048',
        SLIPWAY_HOST_ZONE: 'eu-1a',
        SLIPWAY_HOST_POOL: 'gpu',
        DOCKER_HOST: 'tcp://10.0.0.5:2376',
        SLIPWAY_PUBLISH_ADDRESS: '10.0.0.5',
      },
      '/srv',
    );
    expect(config).toMatchObject({
      apiUrl: 'http://ctl:4000',
      hostName: 'h-web-1',
      stateDir: '/srv/.slipway/agent/h-web-1',
      capacity: { cpuMillicores: 1500, memoryMiB: 2048 },
      labels: { zone: 'eu-1a', pool: 'gpu' },
      docker: { protocol: 'http', host: '10.0.0.5', port: 2376 },
      publishAddress: '10.0.0.5',
    });
    expect(
      agentConfigFromEnv({ SLIPWAY_TENANT: 'acme', DOCKER_HOST: 'unix:///run/docker.sock' }, '/').docker,
    ).toEqual({ socketPath: '/run/docker.sock' });
  });

  it('names every variable that is missing or wrong', () => {
    const read = () =>
      agentConfigFromEnv(
        {
          SLIPWAY_API_URL: 'not a url',
          SLIPWAY_HOST_CPU_MILLICORES: 'lots',
          SLIPWAY_PUBLISH_ADDRESS: 'here',
        },
        '/',
      );
    expect(read).toThrow(AgentConfigError);
    for (const variable of [
      'SLIPWAY_TENANT',
      'SLIPWAY_API_URL',
      'SLIPWAY_HOST_CPU_MILLICORES',
      'SLIPWAY_PUBLISH_ADDRESS',
    ])
      expect(read).toThrow(`\n  ${variable}: `);
  });
});
