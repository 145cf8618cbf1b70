import type { EdgeRoute } from './edge-route.js';
import type { HostnameConflict } from './routing-table.js';

/** What one `update()` did: routes that now answer, and hostnames two routes claimed. */
export interface EdgeUpdateReport {
  routes: number;
  hostnames: number;
  /** Hostnames claimed by more than one route; the first by tenant/service order kept them. */
  conflicts: HostnameConflict[];
}

/**
 * The load balancer in front of a tenant's services, as the controller drives it: hand it the
 * whole routing table each time (level-triggered, never a diff), and close it at shutdown.
 * Local mode: `LocalEdge`, one HTTP reverse proxy on one port. AWS mode (issue 8): an ALB per
 * tenant with host-header rules and target groups, behind this same interface.
 *
 * @example
 * const edge = await startLocalEdge({ port: 8080, logger });
 * await edge.update([{ tenant: 'acme', service: 'web', environment: 'production',
 *   hostnames: [defaultHostname({ tenant: 'acme', service: 'web', environment: 'production' })],
 *   backends: [{ id: 'web-0-r1', address: 'http://127.0.0.1:32768' }] }]);
 */
export interface Edge {
  /** Replaces the whole routing table; requests that arrive after it resolves see only the new one. */
  update(routes: readonly EdgeRoute[]): Promise<EdgeUpdateReport>;
  /** Stops taking requests, lets in-flight ones finish (bounded), releases everything. Idempotent. */
  close(): Promise<void>;
}
