// @slipway/agent: the host agent — observes and reconciles this host's containers (see README.md).

export type { ActionErrorCode, ActionOutcome } from './action-outcome.js';
export type { DesiredDocument, HeartbeatEntry, JoinRequest } from './agent-api-schemas.js';
export { type AgentConfig, AgentConfigError, agentConfigFromEnv } from './agent-env.js';
export { type ContainerOptionsInput, containerName, containerOptions } from './container-options.js';
export { ControllerClient, type ControllerClientOptions, type DesiredAnswer } from './controller-client.js';
export {
  ControllerRequestError,
  ControllerResponseError,
  ControllerUnreachableError,
} from './controller-errors.js';
export { type ExecuteActionsOptions, executeActions } from './execute-actions.js';
export { checkHttp } from './health/check-http.js';
export { type CheckTarget, checkTargets, endpointOf } from './health/check-targets.js';
export {
  HealthProber,
  type HealthProberOptions,
  type HealthTransition,
  type HealthView,
} from './health/health-prober.js';
export {
  type CheckedState,
  type CheckResult,
  checkedState,
  DEFAULT_FAILURE_THRESHOLD,
  type HealthRecord,
  recordCheck,
  uncheckedHealth,
} from './health/health-rules.js';
export { type AllocationFailure, heartbeatReport } from './heartbeat-report.js';
export { type HostIdentity, identityPath, loadHostIdentity, saveHostIdentity } from './host-identity.js';
export { HostReconciler, type HostReconcilerOptions } from './host-reconciler.js';
export { allocationLabels, hostFilter, LABELS } from './labels.js';
export { type ObservedAllocation, observeHost } from './observe-host.js';
export type { CredentialsFor, RegistryAuth } from './registry-credentials.js';
export type { SecretsFor } from './secrets.js';
export { type Agent, type StartAgentOptions, startAgent } from './start-agent.js';
export { ensureTenantNetwork, tenantNetworkName } from './tenant-network.js';
