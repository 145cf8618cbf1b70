import { createHash } from 'node:crypto';
import { observedAllocationSchema, recordIdSchema } from '@slipway/core';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { type HostEvent, hostEventsChannel, hostRedisKey } from './host-redis-keys.js';

/** One allocation as the agent last saw it: core's `ObservedAllocation` and whose it is. */
export const hostObservedAllocationSchema = observedAllocationSchema.extend({ allocation: recordIdSchema });
export type HostObservedAllocation = z.infer<typeof hostObservedAllocationSchema>;

/** A host's live state, or null parts when it has not reported within the TTL. */
export interface HostLiveState {
  lastHeartbeat: string | null;
  observed: HostObservedAllocation[] | null;
}

const heartbeatValue = z.object({ at: z.string() });
const observedValue = z.object({ digest: z.string(), allocations: z.array(hostObservedAllocationSchema) });

export interface HostStatusStoreOptions {
  redis: Redis;
  prefix: string;
  /** How long a heartbeat and its observed state stay: a few times the host-loss grace. Default 45 s. */
  ttlMs?: number;
}

/**
 * What the containers look like, without when they were seen: equal digests mean nothing changed.
 * Of the health check only its status counts: failure counts and check times move with every
 * check and are no change anyone waits for.
 */
function digestOf(allocations: readonly HostObservedAllocation[]): string {
  const stable = [...allocations]
    .map(({ allocation, state, containerId, message, endpoint, health }) => [
      allocation,
      state,
      containerId,
      message,
      endpoint ? `${endpoint.address}:${endpoint.port}` : null,
      health?.status ?? null,
    ])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return createHash('sha256').update(JSON.stringify(stable)).digest('base64url');
}

function parseOrNull<T>(schema: z.ZodType<T>, raw: string | null | undefined): T | null {
  if (!raw) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // not JSON: treated as absent, the next heartbeat overwrites it
  }
}

/**
 * Heartbeats and observed allocations in Redis with a TTL (DESIGN.md §4 rule 8): a host that stops
 * reporting simply has none after the TTL. Changes are published on the host events channel, so
 * the leader and the other replicas hear of them without polling.
 */
export class HostStatusStore {
  readonly ttlMs: number;
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(options: HostStatusStoreOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix;
    this.ttlMs = options.ttlMs ?? 45_000;
  }

  /**
   * Stores one heartbeat and the allocations it reports, and publishes a {@link HostEvent} when
   * the host had no live heartbeat (`resumed`) or its containers changed (`observed`).
   */
  async recordHeartbeat(input: {
    tenant: string;
    host: string;
    at: string;
    allocations: readonly HostObservedAllocation[];
  }): Promise<{ event: HostEvent['event'] | undefined }> {
    const { tenant, host } = input;
    const digest = digestOf(input.allocations);
    const observed = JSON.stringify({ digest, allocations: input.allocations });
    const results = await this.#redis
      .multi()
      .call(
        'SET',
        hostRedisKey(this.#prefix, tenant, host, 'heartbeat'),
        JSON.stringify({ at: input.at }),
        'PX',
        this.ttlMs,
        'GET',
      )
      .call('SET', hostRedisKey(this.#prefix, tenant, host, 'observed'), observed, 'PX', this.ttlMs, 'GET')
      .exec();
    if (!results) throw new Error('redis: the heartbeat transaction was discarded; the agent should retry');
    for (const [error] of results) if (error) throw error;
    const previousHeartbeat = results[0]?.[1] as string | null;
    const previousObserved = parseOrNull(observedValue, results[1]?.[1] as string | null);
    let event: HostEvent['event'] | undefined;
    if (!previousHeartbeat) event = 'resumed';
    else if (previousObserved?.digest !== digest) event = 'observed';
    if (event) await this.publish({ tenant, host, event });
    return { event };
  }

  /** The live state of each host, in the order asked (nulls where nothing is live). */
  async read(tenant: string, hosts: readonly string[]): Promise<HostLiveState[]> {
    if (hosts.length === 0) return [];
    const keys = hosts.flatMap((host) => [
      hostRedisKey(this.#prefix, tenant, host, 'heartbeat'),
      hostRedisKey(this.#prefix, tenant, host, 'observed'),
    ]);
    const values = await this.#redis.mget(keys);
    return hosts.map((_, i) => ({
      lastHeartbeat: parseOrNull(heartbeatValue, values[2 * i])?.at ?? null,
      observed: parseOrNull(observedValue, values[2 * i + 1])?.allocations ?? null,
    }));
  }

  /** Drops a host's live state (it was removed) and tells the others. */
  async forget(tenant: string, host: string): Promise<void> {
    await this.#redis.del(
      hostRedisKey(this.#prefix, tenant, host, 'heartbeat'),
      hostRedisKey(this.#prefix, tenant, host, 'observed'),
    );
    await this.publish({ tenant, host, event: 'removed' });
  }

  /** Publishes a host event (also used when a host joins). */
  async publish(event: HostEvent): Promise<void> {
    await this.#redis.publish(hostEventsChannel(this.#prefix), JSON.stringify(event));
  }
}
