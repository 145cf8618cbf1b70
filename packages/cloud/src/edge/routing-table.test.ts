import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { defaultHostname, type EdgeRoute, parseEdgeRoutes, routeKey } from './edge-route.js';
import { buildRoutingTable, hostnameOf } from './routing-table.js';

const backend = { id: 'web-0-r1', address: 'http://127.0.0.1:40001' };

function route(tenant: string, service: string, hostnames: string[], environment = 'production'): EdgeRoute {
  return { tenant, service, environment, hostnames, backends: [backend] };
}

describe('defaultHostname', () => {
  it('is <service>.<tenant>.localhost in production', () => {
    expect(defaultHostname({ tenant: 'acme', service: 'web', environment: 'production' })).toBe(
      'web.acme.localhost',
    );
  });

  it('adds the environment to the service label elsewhere', () => {
    expect(defaultHostname({ tenant: 'acme', service: 'web', environment: 'staging' })).toBe(
      'web-staging.acme.localhost',
    );
  });
});

describe('hostnameOf', () => {
  it.each([
    ['web.acme.localhost:8080', 'web.acme.localhost'],
    ['WEB.Acme.LocalHost', 'web.acme.localhost'],
    ['web.acme.localhost.', 'web.acme.localhost'],
    ['[::1]:8080', '[::1]'],
    [undefined, ''],
  ])('reads %s as %s', (host, expected) => {
    expect(hostnameOf(host)).toBe(expected);
  });
});

describe('buildRoutingTable', () => {
  it('looks hosts up ignoring case and port', () => {
    const web = route('acme', 'web', ['web.acme.localhost', 'www.Example.com']);
    const table = buildRoutingTable([web]);
    expect(table.lookup('WEB.acme.localhost:8080')).toBe(web);
    expect(table.lookup('www.example.com')).toBe(web);
    expect(table.lookup('api.acme.localhost')).toBeUndefined();
    expect(table.lookup(undefined)).toBeUndefined();
    expect(table.size).toBe(2);
  });

  it('gives a hostname claimed by two tenants to the first in tenant order and reports the clash', () => {
    const zeta = route('zeta', 'web', ['shop.example.com', 'web.zeta.localhost']);
    const acme = route('acme', 'web', ['web.acme.localhost', 'SHOP.example.com']);
    const table = buildRoutingTable([zeta, acme]);
    expect(table.lookup('shop.example.com')).toBe(acme);
    expect(table.lookup('web.zeta.localhost')).toBe(zeta);
    expect(table.conflicts).toEqual([
      {
        hostname: 'shop.example.com',
        kept: { tenant: 'acme', service: 'web', environment: 'production' },
        dropped: { tenant: 'zeta', service: 'web', environment: 'production' },
      },
    ]);
  });

  it('does not report a route repeating its own hostname', () => {
    const table = buildRoutingTable([route('acme', 'web', ['web.acme.localhost', 'Web.acme.localhost'])]);
    expect(table.conflicts).toEqual([]);
    expect(table.size).toBe(1);
  });

  it('maps every hostname to the first claimer in tenant/service/environment order, whatever the input order', () => {
    const names = ['a.example.com', 'b.example.com', 'c.example.com'];
    const arbitraryRoute = fc.record({
      tenant: fc.constantFrom('acme', 'beta', 'zeta'),
      service: fc.constantFrom('web', 'api'),
      environment: fc.constantFrom('production', 'staging'),
      hostnames: fc.subarray(names),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryRoute, { selector: routeKey, maxLength: 8 }), (specs) => {
        const routes = specs.map((s) => ({ ...s, backends: [backend] }));
        const table = buildRoutingTable(routes);
        const sorted = [...routes].sort((a, b) => (routeKey(a) < routeKey(b) ? -1 : 1));
        for (const name of names) {
          const claimers = sorted.filter((r) => r.hostnames.includes(name));
          expect(table.lookup(name)).toBe(claimers[0]);
          expect(table.conflicts.filter((c) => c.hostname === name)).toHaveLength(
            Math.max(0, claimers.length - 1),
          );
        }
      }),
    );
  });
});

describe('parseEdgeRoutes', () => {
  it('accepts a well-formed route', () => {
    const web = route('acme', 'web', ['web.acme.localhost']);
    expect(parseEdgeRoutes([web])).toEqual([web]);
  });

  it.each([
    ['a tenant that is not a DNS label', { tenant: 'Acme/..' }, 'tenant'],
    [
      'a backend address with a path',
      { backends: [{ id: 'web-0', address: 'http://127.0.0.1:1/x' }] },
      'backends.0.address',
    ],
    [
      'a backend address without a port',
      { backends: [{ id: 'web-0', address: 'http://127.0.0.1' }] },
      'backends.0.address',
    ],
    ['a hostname with a space', { hostnames: ['web acme'] }, 'hostnames.0'],
  ])('rejects %s, naming the field', (_, change, field) => {
    const bad = { ...route('acme', 'web', ['web.acme.localhost']), ...change } as EdgeRoute;
    expect(() => parseEdgeRoutes([bad])).toThrow(expect.objectContaining({ code: 'EDGE_INVALID_ROUTE' }));
    expect(() => parseEdgeRoutes([bad])).toThrow(field);
  });
});
