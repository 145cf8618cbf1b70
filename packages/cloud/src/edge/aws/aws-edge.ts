import {
  type EdgeNetwork,
  type EdgeRefusal,
  type EdgeWait,
  planTenantEdge,
  type TenantEdgeInput,
  type TenantEdgePlan,
} from '@slipway/core';
import { EdgeError } from '../edge-error.js';
import type { EdgeLogger } from '../edge-logger.js';
import { emptyActual } from './actual-edge.js';
import { applyEdgeActions, arnsOf, type EdgeActionFailure } from './apply-edge-actions.js';
import { diffTenantEdge, observedCertificates } from './diff-tenant-edge.js';
import { type EdgeAction, inApplyOrder } from './edge-actions.js';
import { EdgeCache } from './edge-cache.js';
import {
  type AwsEdgeConnectionOptions,
  countCalls,
  createEdgeClients,
  type EdgeCallCounts,
  type EdgeClients,
  isMutatingCall,
} from './edge-clients.js';
import {
  type AccountEdge,
  readAccountEdge,
  readTenantDetails,
  readZoneRecords,
  tenantRecords,
} from './read-edge.js';
import { parseTenantEdgeInputs } from './tenant-edge-input.js';

export type AwsEdgeOptions = ({ clients: EdgeClients } | AwsEdgeConnectionOptions) & {
  /** Where load balancers and target groups are made. */
  network: EdgeNetwork;
  /**
   * Whose edge this is: tagged `slipway:deployment` on everything made, and the edge only ever
   * changes or deletes resources carrying its own value — so two Slipway installations (or two
   * test runs) in one account leave each other alone. Default `default`.
   */
  deployment?: string;
  /** Cached details (listeners, rules, targets, records) are read again after this long. Default 5 minutes. */
  verifyEveryMs?: number;
  /** Tenants synced at once. Default 4. */
  concurrency?: number;
  /** ACM names per certificate (the account's quota). Default 10. */
  maxNamesPerCertificate?: number;
  logger?: EdgeLogger;
  now?: () => number;
};

/** What one tenant's pass did. */
export interface TenantEdgeReport {
  tenant: string;
  /** The calls' kinds, in the order applied; empty when AWS already matched the plan. */
  actions: EdgeAction['kind'][];
  refusals: EdgeRefusal[];
  waiting: EdgeWait[];
  failures: EdgeActionFailure[];
}

export interface AwsEdgeUpdateReport {
  tenants: TenantEdgeReport[];
}

/**
 * An edge driven by whole tenants rather than routes: the AWS edge needs what a route does not
 * carry (visibility, policy, ports, health check, drain time, the tenant's zone). Same contract
 * as {@link Edge}: hand it every tenant each time (level-triggered, never a diff); a tenant left
 * out has all its resources deleted.
 */
export interface TenantEdge {
  update(tenants: readonly TenantEdgeInput[]): Promise<AwsEdgeUpdateReport>;
  close(): Promise<void>;
}

/**
 * The AWS-mode edge: per tenant, up to two ALBs (public, internal) with an HTTP→HTTPS redirect,
 * an HTTPS listener with the tenant's ACM certificates, a target group and host-header rule per
 * service, listeners for extra ports, and in the tenant's Route53 zone an alias record per host
 * name and ACM's validation records. Each `update()` reads what exists (account-wide listings,
 * details from a write-through cache), plans each tenant (`planTenantEdge`, pure), diffs
 * (`diffTenantEdge`, pure) and applies the minimum calls in a safe order. Nothing changed →
 * no mutating call.
 *
 * @example
 * const edge = new AwsEdge({ region: 'eu-west-1', network: { vpcId, subnets, securityGroups } });
 * const report = await edge.update([{ tenant: 'acme', zone, publicLoadBalancers: true, services }]);
 */
export class AwsEdge implements TenantEdge {
  readonly #clients: EdgeClients;
  readonly #ownsClients: boolean;
  readonly #network: EdgeNetwork;
  readonly #deployment: string;
  readonly #cache: EdgeCache;
  readonly #concurrency: number;
  readonly #maxNames: number | undefined;
  readonly #logger: EdgeLogger | undefined;
  readonly #calls: EdgeCallCounts = {};
  #running: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: AwsEdgeOptions) {
    if ('clients' in options) {
      this.#clients = options.clients;
      this.#ownsClients = false;
    } else {
      this.#clients = createEdgeClients(options);
      this.#ownsClients = true;
    }
    countCalls(this.#clients, this.#calls);
    this.#network = options.network;
    this.#deployment = options.deployment ?? 'default';
    this.#cache = new EdgeCache(options.verifyEveryMs ?? 5 * 60_000, options.now ?? Date.now);
    this.#concurrency = options.concurrency ?? 4;
    this.#maxNames = options.maxNamesPerCertificate;
    this.#logger = options.logger;
  }

  /** Every tenant's edge made equal to its services; one pass at a time (calls queue). */
  update(tenants: readonly TenantEdgeInput[]): Promise<AwsEdgeUpdateReport> {
    if (this.#closed) return Promise.reject(new EdgeError('EDGE_CLOSED', 'the AWS edge is closed'));
    let parsed: TenantEdgeInput[];
    try {
      parsed = parseTenantEdgeInputs(tenants);
    } catch (error) {
      return Promise.reject(error);
    }
    const pass = this.#running.then(() => this.#pass(parsed));
    this.#running = pass.catch(() => undefined);
    return pass;
  }

  /** Calls made since the edge was made, by command, and the totals of reads and writes. */
  stats(): { calls: EdgeCallCounts; mutating: number; reads: number } {
    let mutating = 0;
    let reads = 0;
    for (const [command, count] of Object.entries(this.#calls))
      if (isMutatingCall(command)) mutating += count;
      else reads += count;
    return { calls: { ...this.#calls }, mutating, reads };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#running;
    if (this.#ownsClients) for (const client of Object.values(this.#clients)) client.destroy();
  }

  async #pass(tenants: readonly TenantEdgeInput[]): Promise<AwsEdgeUpdateReport> {
    const account = await readAccountEdge(this.#clients, this.#cache, this.#deployment);
    const wanted = new Map(tenants.map((t) => [t.tenant, t]));
    const found = new Set([
      ...account.loadBalancers.keys(),
      ...account.targetGroups.keys(),
      ...account.certificates.keys(),
    ]);
    const all = [...new Set([...wanted.keys(), ...found])].sort();
    const reports: TenantEdgeReport[] = [];
    let next = 0;
    const worker = async () => {
      while (next < all.length) {
        const tenant = all[next++]!;
        reports.push(await this.#syncTenant(account, tenant, wanted.get(tenant)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, all.length) }, worker));
    return { tenants: reports.sort((a, b) => (a.tenant < b.tenant ? -1 : 1)) };
  }

  async #syncTenant(
    account: AccountEdge,
    tenant: string,
    input: TenantEdgeInput | undefined,
  ): Promise<TenantEdgeReport> {
    const balancers = account.loadBalancers.get(tenant) ?? [];
    const certificates = account.certificates.get(tenant) ?? [];
    // A tenant no longer handed in is torn down; its zone is the one its resources were tagged with.
    const hostedZoneId =
      input?.zone.hostedZoneId ??
      [...balancers, ...certificates].map((r) => r.tags['slipway:zone']).find((zone) => zone) ??
      '';
    const touched = [
      hostedZoneId,
      ...balancers.map((lb) => lb.arn),
      ...(account.targetGroups.get(tenant) ?? []).map((g) => g.arn),
    ];
    try {
      const details = await readTenantDetails(this.#clients, this.#cache, account, tenant);
      const records = hostedZoneId
        ? tenantRecords(await readZoneRecords(this.#clients, this.#cache, hostedZoneId), tenant, certificates)
        : [];
      const actual = {
        ...emptyActual(tenant),
        loadBalancers: balancers.map(({ tags: _tags, ...lb }) => lb),
        certificates: certificates.map(({ tags: _tags, ...c }) => c),
        ...details,
        records,
      };
      const plan: TenantEdgePlan = planTenantEdge({
        tenant,
        zone: input?.zone ?? { hostedZoneId, domain: '' },
        publicLoadBalancers: input?.publicLoadBalancers ?? false,
        services: input?.services ?? [],
        network: this.#network,
        certificates: observedCertificates(actual),
        ...(this.#maxNames ? { maxNamesPerCertificate: this.#maxNames } : {}),
      });
      const actions = inApplyOrder(diffTenantEdge(plan, actual));
      const failures =
        actions.length === 0
          ? []
          : await applyEdgeActions(
              {
                clients: this.#clients,
                cache: this.#cache,
                arns: arnsOf(actual),
                extraTags: { 'slipway:deployment': this.#deployment },
              },
              actions,
            );
      if (failures.length > 0) {
        this.#cache.forget(touched);
        this.#logger?.warn({ tenant, failures }, 'aws edge: some calls failed; the next pass repairs them');
      } else if (actions.length > 0)
        this.#logger?.info({ tenant, actions: actions.map((a) => a.kind) }, 'aws edge: tenant edge updated');
      for (const refusal of plan.refusals)
        this.#logger?.warn({ tenant, service: refusal.service, code: refusal.code }, refusal.message);
      return {
        tenant,
        actions: actions.map((a) => a.kind),
        refusals: plan.refusals,
        waiting: plan.waiting,
        failures,
      };
    } catch (error) {
      this.#cache.forget(touched);
      const err = error as { name?: string; message?: string };
      this.#logger?.warn(
        { tenant, err: error },
        'aws edge: could not read the tenant’s edge; trying again next pass',
      );
      return {
        tenant,
        actions: [],
        refusals: [],
        waiting: [],
        failures: [{ action: 'read', code: err.name ?? 'Error', message: err.message ?? String(error) }],
      };
    }
  }
}
