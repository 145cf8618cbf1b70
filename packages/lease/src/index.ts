export { type LeaseClock, systemClock } from './clock.js';
export { DynamoLeaseBackend, type DynamoLeaseBackendOptions } from './dynamo-lease-backend.js';
export type { LeaderElectorOptions, LeaseLogger } from './elector-options.js';
export { LeaderElector } from './leader-elector.js';
export type {
  DeposedCode,
  DeposedHandler,
  DeposedReason,
  ElectedHandler,
  Leadership,
  LeaderToken,
} from './leadership.js';
export type {
  AcquireRequest,
  AcquireResult,
  LeaseBackend,
  LeaseRecord,
  ReleaseRequest,
  ReleaseResult,
  RenewRequest,
  RenewResult,
} from './lease-backend.js';
export { LeaseError, type LeaseErrorCode } from './lease-error.js';
export { MemoryLeaseBackend } from './memory-lease-backend.js';
