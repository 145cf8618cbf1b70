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
