export { type BuildKey, buildJobId, buildKeyOf, parseBuildJobId } from './build-job-id.js';
export {
  appendBuildLog,
  BUILD_LOG_MAX_LINES,
  BUILD_LOG_TTL_S,
  type BuildLogEnd,
  type BuildLogEntry,
  type BuildLogItem,
  type BuildLogRef,
  buildLogKey,
  endBuildLog,
  type FollowBuildLogOptions,
  followBuildLog,
  readBuildLog,
} from './build-log.js';
export {
  closedPreviewKey,
  isPreviewClosed,
  markPreviewClosed,
  type PreviewLine,
  previewNumberOf,
  reopenPreview,
} from './closed-previews.js';
export { deployFeedbackJobId, enqueueDeployFeedback } from './enqueue-deploy-feedback.js';
export { enqueueWebhookEvent, parseWebhookEventJob, webhookJobId } from './enqueue-webhook-event.js';
export { type InboxPump, type PumpLogger, type StartInboxPumpOptions, startInboxPump } from './inbox-pump.js';
export {
  type BuildJob,
  buildJobSchema,
  DEPLOY_FEEDBACK_CONCLUSIONS,
  DEPLOY_FEEDBACK_STATUSES,
  type DeployFeedbackJob,
  type DeployJob,
  deliveryIdSchema,
  deployFeedbackJobSchema,
  deployJobSchema,
  type PreviewTeardownJob,
  previewTeardownJobSchema,
  type ServiceDefaults,
  serviceDefaultsSchema,
  WEBHOOK_EVENT_NAMES,
  type WebhookEventJob,
  type WebhookEventName,
  type WebhookSubset,
  webhookEventJobSchema,
  webhookEventNameSchema,
  webhookSubsetSchema,
} from './job-schemas.js';
export {
  type BuildLine,
  isLatestBuild,
  latestBuild,
  latestBuildKey,
  type MarkLatestResult,
  markLatestBuild,
} from './latest-build.js';
export { QueueError, type QueueErrorCode } from './queue-error.js';
export { DEFAULT_KEY_PREFIX, QUEUE_NAMES, type QueueName } from './queue-names.js';
export {
  type CreateQueuesOptions,
  createDeployFeedbackQueue,
  createQueues,
  type Queues,
} from './queues.js';
export {
  type AppendToInboxOptions,
  appendToInbox,
  webhookInboxDeadKey,
  webhookInboxKey,
} from './webhook-inbox.js';
export {
  createWebhookInboxWriter,
  type WebhookInboxWriter,
  type WebhookInboxWriterOptions,
} from './webhook-inbox-writer.js';
