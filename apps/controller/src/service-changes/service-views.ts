import { observedAllocationSchema, recordIdSchema, serviceSchema } from '@slipway/core';
import { z } from 'zod';
import { serviceEdgeStatusSchema } from '../edge/edge-status.js';
import { servicePlacementSchema } from '../scheduler/scheduler-signals.js';

export const serviceRecordView = serviceSchema.meta({ id: 'Service' });

/** One desired allocation (from the hosts' desired documents) with what its agent last reported. */
export const allocationView = z
  .object({
    allocation: recordIdSchema,
    service: z.string(),
    environment: z.string(),
    release: z.string(),
    slot: z.int().min(0),
    host: recordIdSchema,
    observed: observedAllocationSchema
      .nullable()
      .describe("The container as the host's agent last reported it; null when no live report has it"),
  })
  .meta({ id: 'AllocationView' });
export type AllocationView = z.input<typeof allocationView>;

const placement = servicePlacementSchema
  .nullable()
  .describe(
    "The scheduler's last verdict: replicas placed and why the rest are not; null before its first plan",
  );

const edge = serviceEdgeStatusSchema
  .nullable()
  .describe(
    "The AWS edge's last pass over the service (load balancer, rules, records, certificate); null without an AWS edge",
  );

/** A service with the scheduler's and the edge's verdicts. */
export const serviceView = serviceSchema.extend({ placement, edge }).meta({ id: 'ServiceView' });

/** One service with its verdicts and its allocations. */
export const serviceDetailView = serviceSchema
  .extend({ placement, edge, allocations: z.array(allocationView) })
  .meta({ id: 'ServiceDetail' });
