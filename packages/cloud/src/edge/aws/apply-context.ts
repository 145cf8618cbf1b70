import type { EdgeTags } from '@slipway/core';
import type { ActualTenantEdge } from './actual-edge.js';
import type { EdgeCache } from './edge-cache.js';
import type { EdgeClients } from './edge-clients.js';

/** What the pass knows about ARNs: what it read, plus what it made. */
export interface EdgeArns {
  loadBalancers: Map<string, { arn: string; dnsName: string; canonicalHostedZoneId: string }>;
  targetGroups: Map<string, string>;
  /** `<load balancer name>:<port>` → listener ARN. */
  listeners: Map<string, string>;
}

export function arnsOf(actual: ActualTenantEdge): EdgeArns {
  return {
    loadBalancers: new Map(actual.loadBalancers.map((lb) => [lb.name, lb])),
    targetGroups: new Map(actual.targetGroups.map((g) => [g.name, g.arn])),
    listeners: new Map(actual.listeners.map((l) => [`${l.loadBalancer}:${l.port}`, l.arn])),
  };
}

export interface ApplyContext {
  clients: EdgeClients;
  cache: EdgeCache;
  arns: EdgeArns;
  /** Added to the plan's tags on everything made: whose edge it is (`slipway:deployment`). */
  extraTags: EdgeTags;
}

/** A resource an action needs was not made (its own action failed) or not found. */
export class Unresolved extends Error {
  override readonly name = 'Unresolved';
}

export function groupArn(arns: EdgeArns, name: string): string {
  const arn = arns.targetGroups.get(name);
  if (!arn) throw new Unresolved(`no target group ${name}`);
  return arn;
}

export function lbArn(arns: EdgeArns, name: string): string {
  const lb = arns.loadBalancers.get(name);
  if (!lb) throw new Unresolved(`no load balancer ${name}`);
  return lb.arn;
}

export function tagList(tags: EdgeTags): { Key: string; Value: string }[] {
  return Object.entries(tags)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([Key, Value]) => ({ Key, Value }));
}

export function sortTargets<T extends { address: string; port: number }>(targets: T[]): T[] {
  const unique = new Map(targets.map((t) => [`${t.address}:${t.port}`, t]));
  return [...unique.values()].sort((a, b) =>
    a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port,
  );
}
