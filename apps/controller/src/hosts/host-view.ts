import { hostSchema } from '@slipway/core';
import { z } from 'zod';
import { type HostLiveState, hostObservedAllocationSchema } from './host-status-store.js';

/** A host as the API shows it: the durable record plus its live state from Redis. */
export const hostView = hostSchema
  .extend({
    lastHeartbeat: z
      .string()
      .nullable()
      .describe('When the agent last reported; null when no heartbeat is live'),
    observed: z
      .array(hostObservedAllocationSchema)
      .nullable()
      .describe("The allocations' containers as the agent last reported them; null when no report is live"),
  })
  .meta({ id: 'Host' });
export type HostView = z.input<typeof hostView>;

export const noLiveState: HostLiveState = { lastHeartbeat: null, observed: null };
