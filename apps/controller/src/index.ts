export { type Backends, createBackends } from './backends.js';
export { ConfigError, type ControllerConfig, controllerConfigFromEnv } from './config.js';
export { type Controller, type ControllerOptions, createController } from './controller.js';
export { awsEdgeFromConfig } from './edge/aws-edge-from-config.js';
export {
  createDesiredRepository,
  type DesiredAllocations,
  desiredAllocationsSchema,
  desiredKey,
} from './hosts/desired-allocations.js';
export {
  desiredChangedChannel,
  type HostEvent,
  hostEventsChannel,
  hostRedisKey,
} from './hosts/host-redis-keys.js';
export { type HostObservedAllocation, hostObservedAllocationSchema } from './hosts/host-status-store.js';
export { publishDesiredChange, type WriteDesiredOptions, writeDesired } from './hosts/write-desired.js';
export { type LeaderRecord, leaderRecordKey } from './leadership/leader-record.js';
export { createControllerLogger } from './logger.js';
export type { LeaderLoop, LeaderLoopContext } from './loops/leader-loop.js';
