export { type BuildContextOptions, buildContextFromTarball } from './build-context-from-tarball.js';
export {
  BuildCancelledError,
  BuilderError,
  type BuilderErrorCode,
  BuildFailedError,
  InvalidBuildInputError,
  InvalidTarballError,
  PushFailedError,
  RegistryUnavailableError,
  UnsafeTarballError,
} from './errors.js';
export { type BuildInput, type BuildPlan, buildInputSchema, IMAGE_LABELS, planBuild } from './plan-build.js';
export {
  type PushImageOptions,
  type PushResult,
  pushImage,
  type RegistryAuth,
  splitTag,
} from './push-image.js';
export { type DockerBuildResult, type RunDockerBuildOptions, runDockerBuild } from './run-docker-build.js';
export { type RegistryRetryOptions, withRegistryRetry } from './with-registry-retry.js';
export { type BuildIdentity, buildIdFor, releaseIdFor } from './worker/build-ids.js';
export { BuildLogWriter } from './worker/build-log-writer.js';
export {
  type BuildJobDeps,
  type BuildJobResult,
  runBuildJob,
  type SourceFor,
} from './worker/run-build-job.js';
export {
  type BuildJobOutcome,
  type BuildWorker,
  type StartBuildWorkerOptions,
  startBuildWorker,
} from './worker/start-build-worker.js';
export { TenantSlots, type TenantSlotsOptions } from './worker/tenant-slots.js';
export { silentLogger, type WorkerLogger } from './worker/worker-logger.js';
