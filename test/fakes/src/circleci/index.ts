export {
  type CompletedWorkflow,
  circleciSignature,
  type SignedCircleciWebhook,
  signWorkflowCompleted,
} from './circleci-webhook.js';
export {
  type FakeCircleci,
  type FakePipeline,
  type FakeWorkflowOutcome,
  type PipelineScript,
  type StartFakeCircleciOptions,
  startFakeCircleci,
} from './fake-circleci.js';
