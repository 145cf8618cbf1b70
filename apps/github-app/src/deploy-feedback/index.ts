export { appliedSequenceKey } from './applied-sequence.js';
export {
  applyPreviewComment,
  type PreviewCommentResult,
  previewCommentLockKey,
} from './apply-preview-comment.js';
export {
  type AppliedDeployCheckRun,
  applyDeployCheckRun,
  type DeployCheckRunResult,
  deployCheckName,
} from './deploy-check-run.js';
export { deploymentState, deploymentStatusFields } from './deployment-status.js';
export { type AppliedGitHubDeployment, applyGitHubDeployment, rolloutIdOf } from './github-deployment.js';
export { PREVIEW_COMMENT_MARKER, previewCommentBody, previewLines } from './preview-comment.js';
export {
  type DeployFeedbackOutcome,
  type DeployFeedbackWorker,
  type StartDeployFeedbackWorkerOptions,
  startDeployFeedbackWorker,
} from './start-deploy-feedback-worker.js';
