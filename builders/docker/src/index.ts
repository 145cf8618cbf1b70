export { type BuildContextOptions, buildContextFromTarball } from './build-context-from-tarball.js';
export {
  type BuilderConfig,
  BuilderConfigError,
  builderConfigFromEnv,
  type LogLevel,
  type RegistryConfig,
} from './config/builder-config.js';
export { type DockerConnection, dockerConnectionFromHost } from './config/docker-connection.js';
export {
  BuildCancelledError,
  BuilderError,
  type BuilderErrorCode,
  BuildFailedError,
  BuildRefusedError,
  BuildSupersededError,
  InvalidBuildInputError,
  InvalidTarballError,
  PullFailedError,
  PushFailedError,
  RegistryUnavailableError,
  SourceDownloadError,
  UnsafeTarballError,
} from './errors.js';
export { applyBuildCheckRun, type BuildCheckRunChange } from './feedback/apply-build-check-run.js';
export {
  type BuildFailure,
  type BuildFailureKind,
  type BuildFeedback,
  type BuildFeedbackTarget,
  type BuildSuccess,
  noFeedback,
} from './feedback/build-feedback.js';
export { buildCheckName, type CheckRunOutput, MAX_OUTPUT_CHARS } from './feedback/check-run-output.js';
export { GitHubBuildFeedback, type GitHubBuildFeedbackOptions } from './feedback/github-build-feedback.js';
export { loggedFeedback } from './feedback/logged-feedback.js';
export {
  GitHubInstallations,
  type GitHubInstallationsOptions,
  type InstallationOctokit,
} from './github/github-installations.js';
export { type GitHubTarballSourceOptions, githubTarballSource } from './github/github-tarball-source.js';
export { type BuildInput, type BuildPlan, buildInputSchema, IMAGE_LABELS, planBuild } from './plan-build.js';
export { hasImage, type PullImageOptions, pullImage } from './pull-image.js';
export {
  type PushImageOptions,
  type PushResult,
  pushImage,
  type RegistryAuth,
  splitTag,
} from './push-image.js';
export { type DockerBuildResult, type RunDockerBuildOptions, runDockerBuild } from './run-docker-build.js';
export { type Builder, registryFor, type StartBuilderOptions, startBuilder } from './start-builder.js';
export { type RegistryRetryOptions, withRegistryRetry } from './with-registry-retry.js';
export { type ArchiveBuildLogOptions, archiveBuildLog } from './worker/archive-build-log.js';
export { type BuildIdentity, buildIdFor, releaseIdFor } from './worker/build-ids.js';
export type { BuildJobDeps, BuildJobResult, SourceFor } from './worker/build-job-deps.js';
export { BuildLogWriter } from './worker/build-log-writer.js';
export { assertBuildAllowed, type PolicySource, policyTenantLimit } from './worker/build-policy.js';
export { type BuildChange, nextBuildRecord } from './worker/build-record.js';
export { type DeployQueue, enqueueDeploy } from './worker/enqueue-deploy.js';
export { type CacheQuery, type PreviousImage, previousImageOf } from './worker/previous-image-of.js';
export { type PullPreviousImageOptions, pullPreviousImage } from './worker/pull-previous-image.js';
export { findRelease, recordRelease } from './worker/record-release.js';
export { runBuildJob } from './worker/run-build-job.js';
export {
  type BuildJobOutcome,
  type BuildWorker,
  type StartBuildWorkerOptions,
  startBuildWorker,
} from './worker/start-build-worker.js';
export { SupersedeWatch, type SupersedeWatchOptions } from './worker/supersede-watch.js';
export { TenantSlots, type TenantSlotsOptions } from './worker/tenant-slots.js';
export { silentLogger, type WorkerLogger } from './worker/worker-logger.js';
