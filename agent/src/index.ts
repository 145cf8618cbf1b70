// @slipway/agent: the host agent — observes and reconciles this host's containers (see README.md).

export type { ActionErrorCode, ActionOutcome } from './action-outcome.js';
export { type ContainerOptionsInput, containerName, containerOptions } from './container-options.js';
export { type ExecuteActionsOptions, executeActions } from './execute-actions.js';
export { allocationLabels, hostFilter, LABELS } from './labels.js';
export { type ObservedAllocation, observeHost } from './observe-host.js';
export type { CredentialsFor, RegistryAuth } from './registry-credentials.js';
export type { SecretsFor } from './secrets.js';
export { ensureTenantNetwork, tenantNetworkName } from './tenant-network.js';
