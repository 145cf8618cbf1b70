import { type AllocationSpec, diffHost, imageRegistry, normaliseRegistry, type Policy } from '@slipway/core';
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import type { ActionOutcome } from './action-outcome.js';
import type { HeartbeatEntry } from './agent-api-schemas.js';
import type { ControllerClient } from './controller-client.js';
import { executeActions } from './execute-actions.js';
import { checkTargets } from './health/check-targets.js';
import type { HealthProber, HealthView } from './health/health-prober.js';
import { type AllocationFailure, heartbeatReport } from './heartbeat-report.js';
import { type ObservedAllocation, observeHost } from './observe-host.js';

export interface HostReconcilerOptions {
  docker: Docker;
  /** The tenant the host belongs to: its containers carry its label. */
  tenant: string;
  hostId: string;
  client: ControllerClient;
  logger: Logger;
  /** The platform's registries; learned from the registry-credentials route when omitted. */
  platformRegistries?: readonly string[];
  publishAddress?: string;
  labels?: Readonly<Record<string, string>>;
  stopTimeoutSeconds?: number;
  /** Checks the running desired allocations; told what runs after each observation. */
  prober?: HealthProber;
}

/**
 * The agent's state between passes — the last desired document, the policy and the last failure of
 * each allocation — and one reconcile pass: observe → core's diffHost → executeActions. Knows
 * nothing of timers; {@link startAgent} decides when it runs.
 */
export class HostReconciler {
  readonly #options: HostReconcilerOptions;
  #desired: AllocationSpec[] | undefined;
  #policy: Policy | undefined;
  #platformRegistries: string[] = [];
  /** The policy and registries must be fetched again before the next pass (a new document came). */
  #suppliesStale = true;
  readonly #failures = new Map<string, AllocationFailure>();

  constructor(options: HostReconcilerOptions) {
    this.#options = options;
  }

  /** Whether a desired document arrived since the start: before it, nothing is changed. */
  get hasDesired(): boolean {
    return this.#desired !== undefined;
  }

  /** A new desired document: the next pass fetches the policy again and acts on it. */
  setDesired(allocations: readonly AllocationSpec[]): void {
    this.#desired = [...allocations];
    this.#suppliesStale = true;
    const wanted = new Set(allocations.map((spec) => spec.allocation));
    for (const allocation of this.#failures.keys())
      if (!wanted.has(allocation)) this.#failures.delete(allocation);
  }

  /**
   * One pass. Changes nothing before the first desired document, nor while the policy cannot be
   * fetched: what runs keeps running. Returns the outcomes of the actions it took.
   */
  async reconcile(signal: AbortSignal): Promise<ActionOutcome[]> {
    const desired = this.#desired;
    if (desired === undefined || signal.aborted) return [];
    if (this.#suppliesStale || this.#policy === undefined) await this.#refreshSupplies(desired, signal);
    const policy = this.#policy;
    if (policy === undefined) return [];
    const { docker, hostId, client } = this.#options;
    const actions = diffHost(desired, await this.#observe());
    if (actions.length === 0 || signal.aborted) return [];
    const outcomes = await executeActions({
      docker,
      hostId,
      actions,
      policy,
      platformRegistries: this.#platformRegistries,
      credentialsFor: (image) => client.registryCredentials(image, signal),
      secretsFor: (spec) => client.secrets(spec.allocation, signal),
      ...(this.#options.publishAddress === undefined ? {} : { publishAddress: this.#options.publishAddress }),
      ...(this.#options.labels ? { labels: this.#options.labels } : {}),
      ...(this.#options.stopTimeoutSeconds === undefined
        ? {}
        : { stopTimeoutSeconds: this.#options.stopTimeoutSeconds }),
    });
    for (const outcome of outcomes) this.#record(outcome);
    return outcomes;
  }

  /** The heartbeat's entries as the host looks now, with each running allocation's health. */
  async report(now: number): Promise<HeartbeatEntry[]> {
    const observed = await this.#observe();
    const { prober, publishAddress } = this.#options;
    const health = new Map<string, HealthView>();
    for (const container of observed) {
      const view = prober?.viewOf(container.allocation);
      if (view) health.set(container.allocation, view);
    }
    return heartbeatReport({
      desired: this.#desired,
      observed,
      failures: this.#failures,
      health,
      ...(publishAddress === undefined ? {} : { publishAddress }),
      at: new Date(now).toISOString(),
    });
  }

  /** The host's containers; the prober starts checking what now runs and stops what does not. */
  async #observe(): Promise<ObservedAllocation[]> {
    const { docker, tenant, hostId, prober, publishAddress } = this.#options;
    const observed = await observeHost({ docker, tenant, hostId });
    prober?.track(checkTargets({ desired: this.#desired ?? [], observed, publishAddress }));
    return observed;
  }

  async #refreshSupplies(desired: readonly AllocationSpec[], signal: AbortSignal): Promise<void> {
    const { client, logger } = this.#options;
    const policy = await client.policy(signal);
    const registries = this.#options.platformRegistries
      ? this.#options.platformRegistries.map(normaliseRegistry)
      : await this.#learnPlatformRegistries(desired, signal);
    this.#policy = policy;
    this.#platformRegistries = registries;
    this.#suppliesStale = false;
    logger.debug({ platformRegistries: registries }, 'fetched the policy');
  }

  /** The registries of `desired`'s images for which the controller gives credentials: the platform's. */
  async #learnPlatformRegistries(desired: readonly AllocationSpec[], signal: AbortSignal): Promise<string[]> {
    const byRegistry = new Map<string, string>();
    for (const spec of desired) byRegistry.set(imageRegistry(spec.image), spec.image);
    const platform = new Set(this.#platformRegistries);
    for (const [registry, image] of byRegistry) {
      if (platform.has(registry)) continue;
      const credentials = await this.#options.client.registryCredentials(image, signal);
      if (credentials) platform.add(normaliseRegistry(credentials.serveraddress));
    }
    return [...platform];
  }

  #record(outcome: ActionOutcome): void {
    const { logger } = this.#options;
    if (outcome.ok) {
      if (outcome.kind === 'create' || outcome.kind === 'start') this.#failures.delete(outcome.allocation);
      logger.info(
        {
          allocation: outcome.allocation,
          action: outcome.kind,
          containerId: outcome.containerId,
          ...(outcome.note ? { note: outcome.note } : {}),
        },
        `${outcome.kind} ${outcome.allocation}: done`,
      );
      return;
    }
    const previous = this.#failures.get(outcome.allocation);
    this.#failures.set(outcome.allocation, { code: outcome.code, error: outcome.error });
    // The same failure every pass (a forbidden spec, a missing image) is said once at warn level.
    const repeated = previous?.code === outcome.code && previous.error === outcome.error;
    logger[repeated ? 'debug' : 'warn'](
      { allocation: outcome.allocation, action: outcome.kind, code: outcome.code, error: outcome.error },
      `${outcome.kind} ${outcome.allocation} failed: ${outcome.code}`,
    );
  }
}
