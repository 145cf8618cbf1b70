export {
  buildCheckName,
  CONFIG_CHECK_NAME,
  PREVIEW_CHECK_NAME,
  SETUP_CHECK_NAME,
  serviceOfBuildCheck,
} from './check-run-text.js';
export { environmentForBranch } from './environment-for-branch.js';
export type { IntakeDeps, IntakeStep } from './intake-deps.js';
export { intakePullRequest, type PullRequestOutcome } from './intake-pull-request.js';
export { intakePush, type PushOutcome } from './intake-push.js';
export { intakeRerequest, type RerunOutcome } from './intake-rerequest.js';
export { isPreviewEnvironment, previewEnvironment, pullRequestRef } from './preview-environment.js';
export {
  type IntakeWorker,
  type StartIntakeWorkerOptions,
  startIntakeWorker,
} from './start-intake-worker.js';
