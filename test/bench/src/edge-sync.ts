import { randomBytes } from 'node:crypto';
import {
  AwsEdge,
  type AwsEdgeUpdateReport,
  createEdgeClients,
  createHostedZone,
  deleteHostedZone,
  listTenantEdgeResources,
  motoDefaultNetwork,
} from '@slipway/cloud';
import type { EdgeServiceInput, TenantEdgeInput } from '@slipway/core';
import type { Bench } from './bench.js';

const tenantCount = 20;
const servicesPerTenant = 25;
const replicas = 2;
const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5001';
const connection = {
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
};

/** 25 services per tenant, each with two healthy allocations on distinct host ports. */
function services(tenant: number, domain: string): EdgeServiceInput[] {
  return Array.from({ length: servicesPerTenant }, (_, s) => ({
    service: `svc-${s}`,
    environment: 'production',
    visibility: s % 5 === 0 ? ('internal' as const) : ('public' as const),
    port: 8080,
    hostnames: [`svc-${s}.${domain}`],
    health: { path: '/healthz', intervalMs: 10_000, timeoutMs: 4_000 },
    drainMs: 30_000,
    targets: Array.from({ length: replicas }, (_, r) => ({
      address: `172.31.${tenant}.${10 + r}`,
      port: 32_000 + s,
    })),
  }));
}

function describeCalls(before: Record<string, number>, after: Record<string, number>) {
  let describes = 0;
  let mutating = 0;
  for (const [command, count] of Object.entries(after)) {
    const delta = count - (before[command] ?? 0);
    if (/^(Describe|List|Get)/.test(command)) describes += delta;
    else mutating += delta;
  }
  return { describes, mutating, total: describes + mutating };
}

/** Passes until one changes nothing and nothing waits on ACM (moto issues certificates 60 s after the request). */
async function converge(edge: AwsEdge, tenants: TenantEdgeInput[], waitForCertificates: boolean) {
  let passes = 0;
  for (;;) {
    const report: AwsEdgeUpdateReport = await edge.update(tenants);
    passes++;
    const failures = report.tenants.flatMap((t) => t.failures);
    if (failures.length > 0)
      console.error(`edge-sync: ${failures.length} failed calls, e.g. ${JSON.stringify(failures[0])}`);
    const busy = report.tenants.some(
      (t) => t.actions.length > 0 || (waitForCertificates && t.waiting.length > 0),
    );
    if (!busy) return passes;
    if (passes >= 100) throw new Error('the edge did not converge in 100 passes');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }
}

/**
 * The AWS edge against moto: 500 services across 20 tenants (each its own hosted zone; every
 * fifth service internal, so tenants get a public and an internal ALB). The first sync from
 * nothing; then converge (ACM issues, HTTPS listeners and rules follow); then a resync with
 * nothing changed. Baseline: the same resync by a fresh edge with an empty cache (what a
 * restarted leader pays once). Goal: resync_mutating_calls = 0 and the resync's describes one per
 * resource type and page. Everything it made is deleted at the end and checked by tags.
 */
export const edgeSync: Bench = {
  name: 'edge-sync',
  description: `sync ${tenantCount * servicesPerTenant} services across ${tenantCount} tenants to ELBv2/Route53/ACM (moto), then resync; goal resync_mutating_calls = 0, describes ≤ one per resource type and page`,
  async run() {
    const clients = createEdgeClients(connection);
    const network = await motoDefaultNetwork(endpoint, connection.region);
    const run = randomBytes(3).toString('hex');
    const deployment = `bench-${run}`;
    const zones: { tenant: string; hostedZoneId: string }[] = [];
    const tenants: TenantEdgeInput[] = [];
    const edge = new AwsEdge({ ...connection, network, deployment });
    let cold: AwsEdge | undefined;
    try {
      for (let t = 0; t < tenantCount; t++) {
        const tenant = `bench-${run}-t${t}`;
        const domain = `${tenant}.slipway-bench.example`;
        const hostedZoneId = await createHostedZone(clients, domain);
        zones.push({ tenant, hostedZoneId });
        tenants.push({
          tenant,
          zone: { hostedZoneId, domain },
          publicLoadBalancers: true,
          services: services(t, domain),
        });
      }

      console.error('edge-sync: first sync');
      let before = edge.stats().calls;
      let started = performance.now();
      await edge.update(tenants);
      const firstMs = performance.now() - started;
      const first = describeCalls(before, edge.stats().calls);

      console.error('edge-sync: converging (moto issues certificates after 60 s)');
      before = edge.stats().calls;
      started = performance.now();
      const passes = await converge(edge, tenants, true);
      const convergeMs = performance.now() - started;
      const converged = describeCalls(before, edge.stats().calls);

      console.error('edge-sync: resync with nothing changed');
      before = edge.stats().calls;
      started = performance.now();
      const resyncReport = await edge.update(tenants);
      const resyncMs = performance.now() - started;
      const resync = describeCalls(before, edge.stats().calls);
      const resyncByCommand = Object.fromEntries(
        Object.entries(edge.stats().calls)
          .map(([command, count]) => [command, count - (before[command] ?? 0)] as const)
          .filter(([, count]) => count > 0),
      );
      console.error(`edge-sync: resync calls by command ${JSON.stringify(resyncByCommand)}`);

      console.error('edge-sync: baseline — the same resync by a fresh edge (empty cache)');
      cold = new AwsEdge({ ...connection, network, deployment });
      started = performance.now();
      await cold.update(tenants);
      const coldMs = performance.now() - started;
      const coldCalls = cold.stats();

      return {
        bench: 'edge-sync',
        services: tenantCount * servicesPerTenant,
        tenants: tenantCount,
        first_sync_calls: first.total,
        first_sync_mutating_calls: first.mutating,
        first_sync_ms: Math.round(firstMs),
        converge_passes: passes,
        converge_calls: converged.total,
        converge_ms: Math.round(convergeMs),
        resync_mutating_calls: resync.mutating,
        resync_describe_calls: resync.describes,
        resync_ms: Math.round(resyncMs),
        resync_tenants_changed: resyncReport.tenants.filter((t) => t.actions.length > 0).length,
        baseline_cold_resync_describe_calls: coldCalls.reads,
        baseline_cold_resync_mutating_calls: coldCalls.mutating,
        baseline_cold_resync_ms: Math.round(coldMs),
        goal_resync_mutating_calls: 0,
      };
    } finally {
      console.error('edge-sync: deleting everything it made');
      await cold?.close();
      await converge(edge, [], false);
      await edge.close();
      let leaked = 0;
      for (const { tenant, hostedZoneId } of zones) {
        const left = await listTenantEdgeResources(clients, tenant, hostedZoneId);
        leaked += Object.values(left).reduce((sum, list) => sum + list.length, 0);
        await deleteHostedZone(clients, hostedZoneId);
      }
      if (leaked > 0) console.error(`edge-sync: ${leaked} tagged resources were left behind`);
      for (const client of Object.values(clients)) client.destroy();
    }
  },
};
