import {
  type Allocation,
  allocationSchema,
  type Build,
  type BuildLogArchive,
  buildLogArchiveSchema,
  buildSchema,
  type Host,
  hostSchema,
  type Release,
  type Rollout,
  releaseSchema,
  rolloutSchema,
  type Service,
  serviceSchema,
  type Tenant,
  tenantSchema,
} from '@slipway/core';
import { Repository } from './repository.js';
import {
  allocationKey,
  buildKey,
  buildLogArchiveKey,
  hostKey,
  releaseKey,
  rolloutKey,
  serviceKey,
  tenantKey,
} from './state-keys.js';
import type { StateStore } from './state-store.js';

const SEGMENT = '[^/]+';
const owns = (...folders: string[]) => {
  const pattern = new RegExp(`^tenants/${SEGMENT}/${folders.join('/')}\\.json$`);
  return (key: string) => pattern.test(key);
};

/** One repository per kind of durable document, validated with the `@slipway/core` schemas. */
export interface Repositories {
  tenants: Repository<Tenant>;
  hosts: Repository<Host>;
  services: Repository<Service>;
  /** Immutable: create only. */
  releases: Repository<Release>;
  rollouts: Repository<Rollout>;
  allocations: Repository<Allocation>;
  builds: Repository<Build>;
  /** Finished builds' logs; create only. */
  buildLogs: Repository<BuildLogArchive>;
}

/**
 * The typed repositories over one store; see `state-keys.ts` for where each kind lives.
 *
 * @example
 * const repos = createRepositories(new FsStateStore({ root: '.slipway/state' }));
 * const { documents, corrupt } = await repos.services.scan(servicesPrefix('acme'));
 */
export function createRepositories(store: StateStore): Repositories {
  return {
    tenants: new Repository({
      store,
      kind: 'tenant',
      schema: tenantSchema,
      keyOf: (tenant) => tenantKey(tenant.id),
      ownsKey: owns('tenant'),
    }),
    hosts: new Repository({
      store,
      kind: 'host',
      schema: hostSchema,
      keyOf: hostKey,
      ownsKey: owns('hosts', SEGMENT),
    }),
    services: new Repository({
      store,
      kind: 'service',
      schema: serviceSchema,
      keyOf: serviceKey,
      ownsKey: owns('services', SEGMENT, SEGMENT),
    }),
    releases: new Repository({
      store,
      kind: 'release',
      schema: releaseSchema,
      keyOf: releaseKey,
      ownsKey: owns('releases', SEGMENT, SEGMENT, SEGMENT),
      immutable: true,
    }),
    rollouts: new Repository({
      store,
      kind: 'rollout',
      schema: rolloutSchema,
      keyOf: rolloutKey,
      ownsKey: owns('rollouts', SEGMENT, SEGMENT, SEGMENT),
    }),
    allocations: new Repository({
      store,
      kind: 'allocation',
      schema: allocationSchema,
      keyOf: allocationKey,
      ownsKey: owns('allocations', SEGMENT, SEGMENT, SEGMENT),
    }),
    builds: new Repository({
      store,
      kind: 'build',
      schema: buildSchema,
      keyOf: buildKey,
      ownsKey: owns('builds', SEGMENT),
    }),
    buildLogs: new Repository({
      store,
      kind: 'build log',
      schema: buildLogArchiveSchema,
      keyOf: buildLogArchiveKey,
      ownsKey: owns('build-logs', SEGMENT),
      immutable: true,
    }),
  };
}
