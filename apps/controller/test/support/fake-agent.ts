import type { Redis } from 'ioredis';
import { type DesiredAllocations, desiredKey } from '../../src/hosts/desired-allocations.js';
import { HostStatusStore } from '../../src/hosts/host-status-store.js';
import type { Harness } from './api-harness.js';

/**
 * A fake agent on `host` of `tenant`: every `everyMs` it reads what the host is asked to run and
 * reports all of it running and healthy at `endpoint(allocation)`. Returns the function that stops it.
 */
export function startFakeAgent(options: {
  harness: Harness;
  redis: Redis;
  prefix: string;
  tenant: string;
  host: string;
  endpoint: (allocation: DesiredAllocations['allocations'][number]) => { address: string; port: number };
  everyMs?: number;
}): () => void {
  const { harness, tenant, host } = options;
  const status = new HostStatusStore({ redis: options.redis, prefix: options.prefix });
  const timer = setInterval(async () => {
    const desired = await harness.controller.services.hosts.desired
      .get(desiredKey(tenant, host))
      .catch(() => undefined);
    const at = new Date().toISOString();
    const allocations = (desired?.value.allocations ?? []).map((a) => ({
      allocation: a.allocation,
      state: 'running' as const,
      containerId: `c-${a.allocation}`,
      message: null,
      at,
      endpoint: options.endpoint(a),
    }));
    await status.recordHeartbeat({ tenant, host, at, allocations }).catch(() => undefined);
  }, options.everyMs ?? 100);
  return () => clearInterval(timer);
}
