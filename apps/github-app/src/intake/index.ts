export { buildCheckName, CONFIG_CHECK_NAME, SETUP_CHECK_NAME } from './check-run-text.js';
export { environmentForBranch } from './environment-for-branch.js';
export { type IntakePushOptions, intakePush, type PushOutcome } from './intake-push.js';
export {
  type IntakeWorker,
  type StartIntakeWorkerOptions,
  startIntakeWorker,
} from './start-intake-worker.js';
