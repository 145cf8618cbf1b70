import type { Unplaced } from '@slipway/core';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ServiceVerdicts, verdictField } from '../redis/service-verdicts.js';

/**
 * How the API and the leader's scheduler talk, through Redis (DESIGN.md §4 rule 8: changes travel
 * by pub/sub, derived state lives in Redis, nothing here is durable):
 *
 * ```
 * <prefix>:scheduler-wake          channel: {"tenant":"acme"} — the tenant's desired state changed, replan it
 * <prefix>:placement:<tenant>      hash: "<environment>/<service>" → ServicePlacement (the last plan's verdict)
 * ```
 */
export const schedulerWakeChannel = (prefix: string) => `${prefix}:scheduler-wake`;
export const placementKey = (prefix: string, tenant: string) => `${prefix}:placement:${tenant}`;

/** What the last plan made of one service: how many replicas are placed, and why the rest are not. */
export const servicePlacementSchema = z
  .object({
    release: z.string().nullable(),
    replicas: z.int().min(0),
    placed: z.int().min(0),
    unplaced: z.array(
      z.object({ service: z.string(), environment: z.string(), slot: z.int(), reason: z.string() }),
    ),
    /** When the leader planned it (ISO 8601). */
    at: z.string(),
  })
  .meta({ id: 'ServicePlacement' });
export type ServicePlacement = z.infer<typeof servicePlacementSchema> & { unplaced: Unplaced[] };

export const placementField = verdictField;

export class SchedulerSignals {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #placements: ServiceVerdicts<ServicePlacement>;

  constructor(options: { redis: Redis; prefix: string }) {
    this.#redis = options.redis;
    this.#prefix = options.prefix;
    this.#placements = new ServiceVerdicts({
      redis: options.redis,
      key: (tenant) => placementKey(options.prefix, tenant),
      schema: servicePlacementSchema as z.ZodType<ServicePlacement>,
    });
  }

  /** Asks the leader to replan `tenant` now (the periodic resync would, later). */
  async wake(tenant: string): Promise<void> {
    await this.#redis.publish(schedulerWakeChannel(this.#prefix), JSON.stringify({ tenant }));
  }

  /** The last plan's verdict per service of `tenant`, keyed `<environment>/<service>`. */
  read(tenant: string): Promise<Map<string, ServicePlacement>> {
    return this.#placements.read(tenant);
  }

  /** Replaces the tenant's verdicts with `statuses` in one transaction (services gone drop out). */
  write(tenant: string, statuses: ReadonlyMap<string, ServicePlacement>): Promise<void> {
    return this.#placements.write(tenant, statuses);
  }
}
