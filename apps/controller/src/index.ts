export { type Backends, createBackends } from './backends.js';
export { ConfigError, type ControllerConfig, controllerConfigFromEnv } from './config.js';
export { type Controller, type ControllerOptions, createController } from './controller.js';
export type { LeaderLoop, LeaderLoopContext } from './leadership/leader-loop.js';
export { type LeaderRecord, leaderRecordKey } from './leadership/leader-record.js';
export { createControllerLogger } from './logger.js';
