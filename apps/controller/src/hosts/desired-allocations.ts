import { environmentNameSchema, recordIdSchema, serviceNameSchema, tenantIdSchema } from '@slipway/core';
import { assertKeySegment, Repository, type StateStore } from '@slipway/state';
import { z } from 'zod';

/**
 * One allocation as the agent needs it (core's `AllocationSpec`). The identity fields are checked
 * here; the rest of the spec (image, resources, env…) is the scheduler's and passes through as is.
 */
export const desiredAllocationSchema = z.looseObject({
  allocation: recordIdSchema,
  tenant: tenantIdSchema,
  service: serviceNameSchema,
  environment: environmentNameSchema,
  release: recordIdSchema,
  slot: z.int().min(0),
});

/**
 * Everything one host should run, written by the leader with fenced, conditional writes
 * (`writeDesired`) and read by that host's agent (`GET …/hosts/:host/desired`).
 */
export const desiredAllocationsSchema = z
  .object({
    tenant: tenantIdSchema,
    host: recordIdSchema,
    allocations: z.array(desiredAllocationSchema),
  })
  .meta({ id: 'DesiredAllocations' });
export type DesiredAllocations = z.infer<typeof desiredAllocationsSchema>;

/** `tenants/<tenant>/desired/<host>.json`: the host's desired allocations document. */
export function desiredKey(tenant: string, host: string): string {
  assertKeySegment(tenant, 'tenant id');
  assertKeySegment(host, 'host id');
  return `tenants/${tenant}/desired/${host}.json`;
}

const desiredKeyPattern = /^tenants\/[^/]+\/desired\/[^/]+\.json$/;

/** The typed repository of desired allocations documents over `store`. */
export function createDesiredRepository(store: StateStore): Repository<DesiredAllocations> {
  return new Repository({
    store,
    kind: 'desired allocations',
    schema: desiredAllocationsSchema,
    keyOf: (document) => desiredKey(document.tenant, document.host),
    ownsKey: (key) => desiredKeyPattern.test(key),
  });
}
