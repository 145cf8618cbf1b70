import { describe, expect, it } from '@jest/globals';
import { defaultPolicy, type Service } from '@slipway/core';
import { tenantEdgeInput } from './aws-edge-inputs.js';
import { serviceEdgeStatuses } from './edge-status.js';

function service(fields: Partial<Service>): Service {
  return {
    tenant: 'acme',
    environment: 'production',
    name: 'web',
    source: { kind: 'image', image: 'registry.example/acme/web:1' },
    port: 8080,
    replicas: 2,
    resources: { cpuMillicores: 250, memoryMiB: 256 },
    health: { path: '/healthz', intervalMs: 10_000, timeoutMs: 5000 },
    env: {},
    secrets: [],
    domains: [],
    visibility: 'public',
    release: 'r-1',
    ...fields,
  };
}

const zone = { hostedZoneId: 'Z0123456789ABC', domain: 'acme.apps.example.com' };

describe('tenantEdgeInput', () => {
  it("serves each service under its label in the tenant's zone and its domains, targets = the healthy IPv4 endpoints", () => {
    const input = tenantEdgeInput({
      tenant: 'acme',
      zone,
      policy: defaultPolicy('acme'),
      services: [
        service({ environment: 'staging', name: 'api', visibility: 'internal', port: 9000 }),
        service({ domains: ['www.acme.apps.example.com'] }),
      ],
      endpoints: new Map([
        [
          'production/web',
          [
            { id: 'a-1', endpoint: { address: '10.0.0.5', port: 32768 } },
            { id: 'a-2', endpoint: { address: 'fd00::5', port: 32769 } },
          ],
        ],
      ]),
      drainMs: 5000,
    });
    expect(input).toEqual({
      tenant: 'acme',
      zone,
      publicLoadBalancers: true,
      services: [
        {
          service: 'web',
          environment: 'production',
          visibility: 'public',
          port: 8080,
          hostnames: ['web.acme.apps.example.com', 'www.acme.apps.example.com'],
          health: { path: '/healthz', intervalMs: 10_000, timeoutMs: 5000 },
          drainMs: 5000,
          targets: [{ address: '10.0.0.5', port: 32768 }],
        },
        expect.objectContaining({
          service: 'api',
          environment: 'staging',
          visibility: 'internal',
          hostnames: ['api-staging.acme.apps.example.com'],
          targets: [],
        }),
      ],
    });
  });

  it("hands the policy's public permission to the planner as is", () => {
    const policy = defaultPolicy('acme');
    policy.permissions.publicLoadBalancers = false;
    const input = tenantEdgeInput({
      tenant: 'acme',
      zone,
      policy,
      services: [service({})],
      endpoints: new Map(),
      drainMs: 0,
    });
    expect(input.publicLoadBalancers).toBe(false);
    expect(input.services[0]?.visibility).toBe('public');
  });
});

describe('serviceEdgeStatuses', () => {
  const services = [
    { environment: 'production', name: 'web' },
    { environment: 'production', name: 'api' },
  ];
  const at = '2026-11-26T00:00:00.000Z';

  it('is serving when nothing is refused, failing or waiting', () => {
    const statuses = serviceEdgeStatuses(
      { tenant: 'acme', actions: [], refusals: [], waiting: [], failures: [] },
      services,
      at,
    );
    expect(statuses.get('production/web')).toEqual({ state: 'serving', messages: [], at });
  });

  it("puts a refusal on its service, a failure on its service (or every service when it names none), and ACM's wait on all", () => {
    const statuses = serviceEdgeStatuses(
      {
        tenant: 'acme',
        actions: ['create-rule'],
        refusals: [
          { code: 'PUBLIC_NOT_ALLOWED', service: 'web', environment: 'production', message: 'no public' },
        ],
        waiting: [{ what: 'certificate', message: 'the certificate is pending validation' }],
        failures: [{ action: 'create-rule', service: 'api', code: 'TooManyRules', message: 'quota' }],
      },
      services,
      at,
    );
    expect(statuses.get('production/web')).toEqual({
      state: 'refused',
      messages: ['no public', 'the certificate is pending validation'],
      at,
    });
    expect(statuses.get('production/api')).toEqual({
      state: 'failing',
      messages: [
        'create-rule failed (TooManyRules): quota; the next pass tries again',
        'the certificate is pending validation',
      ],
      at,
    });
    const unread = serviceEdgeStatuses(
      {
        tenant: 'acme',
        actions: [],
        refusals: [],
        waiting: [],
        failures: [{ action: 'read', code: 'Throttling', message: 'slow down' }],
      },
      services,
      at,
    );
    expect([...unread.values()].map((s) => s.state)).toEqual(['failing', 'failing']);
  });
});
