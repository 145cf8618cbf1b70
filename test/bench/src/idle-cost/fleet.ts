import { type AgentStats, SimulatedAgent } from './simulated-agent.js';

/** The platform to set up: tenants, each with its hosts and services. */
export interface FleetShape {
  tenants: number;
  hostsPerTenant: number;
  servicesPerTenant: number;
  replicas: number;
}

export interface Fleet {
  tenants: string[];
  agents: SimulatedAgent[];
  /** Allocations every desired document together should hold once placed. */
  expectedAllocations: number;
}

type Api = (url: string, method: string, path: string, body?: unknown) => Promise<unknown>;

/** Calls the API as `token`; anything but a 2xx is an error naming the call. */
export function adminApi(token: string): Api {
  return async (url, method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
}

/** Runs `work` over `items`, at most `concurrency` at a time. */
async function inPool<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

/**
 * Sets the fleet up through the API, the way an admin and the agents would: each tenant made,
 * its policy raised to fit (hosts, services, ghcr.io images), a join token for its hosts; every
 * agent joins (spread over the replicas, as behind a load balancer); the image services are
 * created (pinned digests, so no registry is asked); then all agents start, and placement follows.
 */
export async function setUpFleet(options: {
  shape: FleetShape;
  /** Tenant ids start with it. */
  prefix: string;
  urls: readonly string[];
  adminToken: string;
  stats: AgentStats;
  /** Each agent is added here as it joins, so the caller can close them even if set-up fails. */
  agents: SimulatedAgent[];
  log: (line: string) => void;
}): Promise<Fleet> {
  const { shape, urls, stats, log } = options;
  const api = adminApi(options.adminToken);
  const url = (i: number) => urls[i % urls.length]!;
  const tenants = Array.from({ length: shape.tenants }, (_, t) => `${options.prefix}-t${t}`);
  const tokens = await inPool(tenants, 4, async (tenant) => {
    await api(url(0), 'POST', '/v1/tenants', { id: tenant, name: tenant });
    await api(url(1), 'PATCH', `/v1/tenants/${tenant}/policy`, {
      limits: { hosts: shape.hostsPerTenant, services: shape.servicesPerTenant },
      permissions: { allowedRegistries: ['ghcr.io'] },
    });
    const made = (await api(url(2), 'POST', `/v1/tenants/${tenant}/join-tokens`, {
      uses: shape.hostsPerTenant,
    })) as { token: string };
    return made.token;
  });
  log(`${tenants.length} tenants made; ${tenants.length * shape.hostsPerTenant} agents joining`);

  // Round-robin over the tenants, so concurrent joins mostly redeem different join tokens.
  const joins = Array.from({ length: shape.hostsPerTenant }, (_, h) =>
    tenants.map((tenant, t) => ({ tenant, t, h, index: h * shape.tenants + t, token: tokens[t]! })),
  ).flat();
  const { agents } = options;
  await inPool(joins, 12, async ({ tenant, t, h, index, token }) => {
    const agent = await SimulatedAgent.join({
      apiUrl: url(index),
      tenant,
      joinToken: token,
      hostName: `h-${h}`,
      address: `10.${t % 256}.${Math.floor(h / 250)}.${(h % 250) + 1}`,
      stats,
    });
    agents.push(agent);
    if (agents.length % 100 === 0) log(`${agents.length} agents joined`);
  });

  const creates = tenants.flatMap((tenant, t) =>
    Array.from({ length: shape.servicesPerTenant }, (_, s) => ({ tenant, t, s })),
  );
  await inPool(creates, 8, async ({ tenant, t, s }) => {
    await api(url(t + s), 'POST', `/v1/tenants/${tenant}/services`, {
      name: `svc-${s}`,
      image: `ghcr.io/slipway-bench/svc-${s}@${digest(t * 1000 + s + 1)}`,
      port: 8080,
      replicas: shape.replicas,
      cpu: '100m',
      memory: '64Mi',
    });
  });
  log(`${creates.length} services created; starting the agents (their heartbeats make the hosts live)`);
  // Started together once all have joined and the services exist: running agents would slow the
  // set-up calls down (moto is the bottleneck here), and only the idle state afterwards is measured.
  for (const agent of agents) agent.start();
  return {
    tenants,
    agents,
    expectedAllocations: shape.tenants * shape.servicesPerTenant * shape.replicas,
  };
}
