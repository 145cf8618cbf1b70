export { appliedSequenceKey } from './applied-sequence.js';
export { applyDeployCheckRun, type DeployCheckRunResult, deployCheckName } from './deploy-check-run.js';
export {
  type DeployFeedbackOutcome,
  type DeployFeedbackWorker,
  type StartDeployFeedbackWorkerOptions,
  startDeployFeedbackWorker,
} from './start-deploy-feedback-worker.js';
