export { type GitHubAppConfig, GitHubAppConfigError, githubAppConfigFromEnv } from './config.js';
export {
  type CreateGitHubAppOptions,
  createGitHubApp,
  type GitHubApp,
  WEBHOOK_PATH,
} from './create-github-app.js';
export { HANDLED_EVENTS } from './handled-events.js';
export { type ReceivedDelivery, type ToJobResult, toWebhookEventJob } from './to-webhook-event-job.js';
