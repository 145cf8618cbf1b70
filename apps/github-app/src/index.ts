export {
  type GitHubAppConfig,
  GitHubAppConfigError,
  githubAppConfigFromEnv,
  needsAppRegistration,
} from './config.js';
export {
  type CreateGitHubAppOptions,
  createGitHubApp,
  type GitHubApp,
  WEBHOOK_PATH,
} from './create-github-app.js';
export {
  appliedSequenceKey,
  applyDeployCheckRun,
  type DeployFeedbackOutcome,
  type DeployFeedbackWorker,
  deployCheckName,
  startDeployFeedbackWorker,
} from './deploy-feedback/index.js';
export { HANDLED_EVENTS } from './handled-events.js';
export {
  APP_EVENTS,
  APP_PERMISSIONS,
  type AppManifest,
  type ManifestSetup,
  manifestSetupOptionsFromEnv,
  type RegisteredApp,
  type RunManifestSetupOptions,
  runManifestSetup,
  SETUP_CALLBACK_PATH,
  slipwayAppManifest,
} from './manifest/index.js';
export {
  GitHubAppStartError,
  type RunningGitHubApp,
  type StartGitHubAppOptions,
  startGitHubApp,
} from './start-github-app.js';
export { type ReceivedDelivery, type ToJobResult, toWebhookEventJob } from './to-webhook-event-job.js';
