import { join } from 'node:path';
import { EcrRegistry, type ImageRegistry, LocalRegistry } from '@slipway/cloud';
import { DynamoLeaseBackend, type LeaseBackend, MemoryLeaseBackend } from '@slipway/lease';
import { FsStateStore, S3StateStore, type StateStore } from '@slipway/state';
import type { ControllerConfig } from './config.js';

export interface Backends {
  store: StateStore;
  lease: LeaseBackend;
  /** Where images live: digests of image services, pull credentials handed to agents. */
  registry?: ImageRegistry;
  close(): Promise<void>;
}

/**
 * The two modes of DESIGN.md §5: S3 + DynamoDB in AWS mode; a folder + an in-process lease in
 * local mode (one controller per machine, so the lease has nobody to coordinate with).
 */
export function createBackends(config: ControllerConfig): Backends {
  if (config.mode === 'local') {
    const store = new FsStateStore({ root: join(config.dataDir, 'state') });
    const registry = new LocalRegistry({ address: config.registry });
    return {
      store,
      lease: new MemoryLeaseBackend(),
      registry,
      close: async () => {
        await registry.close();
        await store.close();
      },
    };
  }
  const connection = {
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
  };
  const store = new S3StateStore({
    ...connection,
    forcePathStyle: config.endpoint !== undefined,
    bucket: config.stateBucket,
    prefix: config.statePrefix,
  });
  const lease = new DynamoLeaseBackend({ ...connection, tableName: config.leaseTable });
  const registry: ImageRegistry = new EcrRegistry({
    ...connection,
    ...(config.ecrPushRegistry ? { pushRegistry: config.ecrPushRegistry } : {}),
  });
  return {
    store,
    lease,
    registry,
    close: async () => {
      lease.close();
      await registry.close();
      await store.close();
    },
  };
}
