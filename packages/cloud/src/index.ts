export type {
  ActualCertificate,
  ActualListener,
  ActualLoadBalancer,
  ActualRecord,
  ActualRule,
  ActualTargetGroup,
  ActualTenantEdge,
} from './edge/aws/actual-edge.js';
export type { EdgeActionFailure } from './edge/aws/apply-edge-actions.js';
export {
  AwsEdge,
  type AwsEdgeOptions,
  type AwsEdgeUpdateReport,
  type TenantEdge,
  type TenantEdgeReport,
} from './edge/aws/aws-edge.js';
export { diffTenantEdge, observedCertificates } from './edge/aws/diff-tenant-edge.js';
export { ACTION_ORDER, type EdgeAction, type EdgeActionKind, inApplyOrder } from './edge/aws/edge-actions.js';
export {
  type AwsEdgeConnectionOptions,
  createEdgeClients,
  type EdgeCallCounts,
  type EdgeClients,
  isMutatingCall,
} from './edge/aws/edge-clients.js';
// For tests and benches against moto only.
export {
  createHostedZone,
  deleteHostedZone,
  describeTenantEdge,
  listTenantEdgeResources,
  motoDefaultNetwork,
  type TaggedEdgeResources,
} from './edge/aws/moto-fixtures.js';
export { parseTenantEdgeInputs, tenantEdgeInputSchema } from './edge/aws/tenant-edge-input.js';
export { BackendPicker } from './edge/backend-picker.js';
export type { Edge, EdgeUpdateReport } from './edge/edge.js';
export { EdgeError, type EdgeErrorCode } from './edge/edge-error.js';
export type { EdgeLogger } from './edge/edge-logger.js';
export {
  defaultHostname,
  type EdgeBackend,
  type EdgeRoute,
  edgeRouteSchema,
  parseEdgeRoutes,
  routeKey,
  serviceLabel,
} from './edge/edge-route.js';
export type { EdgeFailureCause, EdgeStats } from './edge/edge-stats.js';
export { type LocalEdge, type LocalEdgeOptions, startLocalEdge } from './edge/local-edge.js';
export {
  type BackendFailure,
  classifyBackendError,
  mayRetry,
  type RetryQuestion,
} from './edge/retry-policy.js';
export {
  buildRoutingTable,
  type HostnameConflict,
  hostnameOf,
  type RoutingTable,
} from './edge/routing-table.js';
export { CredentialsCache, credentialsFromAuthorization } from './registry/ecr-authorization.js';
export { type EcrConnectionOptions, EcrRegistry, type EcrRegistryOptions } from './registry/ecr-registry.js';
export { RegistryError, type RegistryErrorCode } from './registry/errors.js';
export type {
  ImageDetails,
  ImageRegistry,
  ListedRepository,
  RegistryCredentials,
  Repository,
  RepositoryRef,
} from './registry/image-registry.js';
export { lifecyclePolicyText } from './registry/lifecycle-policy.js';
export { LocalRegistry, type LocalRegistryOptions } from './registry/local-registry.js';
