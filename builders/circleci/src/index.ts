export {
  CIRCLECI_URL,
  CircleciClient,
  type CircleciClientOptions,
  type PipelineState,
  type PipelineWorkflow,
  type TriggeredPipeline,
} from './api/circleci-client.js';
export {
  PIPELINE_PARAMETERS,
  type PipelineTarget,
  pipelineTargetOf,
  projectSlugOf,
} from './api/circleci-project.js';
export {
  CIRCLECI_TOKEN,
  CIRCLECI_WEBHOOK_SECRET,
  type CircleciSecrets,
  storedCircleciSecrets,
} from './circleci-secrets.js';
export {
  type CircleciBuilderConfig,
  CircleciConfigError,
  circleciConfigFromEnv,
} from './config/circleci-config.js';
export { CircleciError, type CircleciErrorCode, isFinalError } from './errors.js';
export {
  type CheckRunChange,
  type CheckRunTarget,
  type CircleciFeedback,
  checkRunText,
  GitHubCircleciFeedback,
  noCircleciFeedback,
} from './feedback/circleci-check-run.js';
export { type CircleciBuilder, startCircleciBuilder } from './start-circleci-builder.js';
export {
  createWebhookHandler,
  startWebhookServer,
  WEBHOOK_PATH,
  type WebhookServer,
} from './webhooks/webhook-receiver.js';
export { verifyCircleciSignature } from './webhooks/webhook-signature.js';
export { workflowEventsKey } from './worker/circleci-keys.js';
export { type FollowedPipeline, type FollowedWorkflow, followPipeline } from './worker/follow-pipeline.js';
export { succeededOrThrow } from './worker/followed-errors.js';
export { CIRCLECI_APP_URL } from './worker/hand-off.js';
export {
  type PipelineOutcome,
  pipelineOutcome,
  pipelineUrlOf,
  workflowUrlOf,
} from './worker/pipeline-outcome.js';
export {
  type CircleciBuildDeps,
  type CircleciBuildResult,
  runCircleciBuild,
} from './worker/run-circleci-build.js';
export {
  type CircleciJobOutcome,
  type CircleciWorker,
  type StartCircleciWorkerOptions,
  startCircleciWorker,
} from './worker/start-circleci-worker.js';
