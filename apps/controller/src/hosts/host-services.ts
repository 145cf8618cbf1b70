import type { Repository, StateStore } from '@slipway/state';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createDesiredRepository, type DesiredAllocations } from './desired-allocations.js';
import { DesiredWatcher } from './desired-watcher.js';
import { HostStatusStore } from './host-status-store.js';

/** What the host routes use: desired documents (state store) and live state (Redis). */
export interface HostServices {
  desired: Repository<DesiredAllocations>;
  /** Heartbeats and observed allocations; undefined without `REDIS_URL`. */
  status: HostStatusStore | undefined;
  /** Long-poll wake-ups; undefined without `REDIS_URL` (then `wait` is not honoured). */
  watcher: DesiredWatcher | undefined;
  /** The Redis prefix, for `writeDesired` callers. */
  prefix: string;
  /** For the desired documents' recorded etags (`desired-etag.ts`); undefined without `REDIS_URL`. */
  redis: Redis | undefined;
}

export interface HostServicesOptions {
  store: StateStore;
  redis: Redis | undefined;
  prefix: string;
  logger: Logger;
  /** Heartbeat TTL (default 45 s: three times the default 15 s host-loss grace). */
  heartbeatTtlMs?: number;
}

export function createHostServices(options: HostServicesOptions): HostServices {
  const { redis, prefix } = options;
  return {
    desired: createDesiredRepository(options.store),
    status: redis
      ? new HostStatusStore({
          redis,
          prefix,
          ...(options.heartbeatTtlMs !== undefined ? { ttlMs: options.heartbeatTtlMs } : {}),
        })
      : undefined,
    watcher: redis ? new DesiredWatcher({ redis, prefix, logger: options.logger }) : undefined,
    prefix,
    redis,
  };
}
