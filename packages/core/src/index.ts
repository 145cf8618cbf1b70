// @slipway/core: domain types, schemas and pure planners. No I/O (see README.md).

export * from './domain/add-on.js';
export * from './domain/allocation.js';
export * from './domain/build.js';
export * from './domain/host.js';
export * from './domain/names.js';
export * from './domain/policy.js';
export * from './domain/release.js';
export * from './domain/rollout.js';
export * from './domain/service.js';
export * from './domain/tenant.js';
export * from './domain/workload.js';
export { certificateSets, isInZone } from './edge/certificate-sets.js';
export {
  certificateKey,
  EDGE_NAME_PREFIX,
  loadBalancerName,
  MAX_ELB_NAME_LENGTH,
  targetGroupName,
} from './edge/edge-names.js';
export { baseTags as edgeBaseTags, planTenantEdge } from './edge/plan-tenant-edge.js';
export { MAX_RULE_PRIORITY, rulePriorities } from './edge/rule-priorities.js';
export type * from './edge/tenant-edge.js';
export { ALL_CAPABILITIES, normaliseCapability } from './policy/capability.js';
export type { ContainerSpec, PolicyEvaluationOptions } from './policy/container-denials.js';
export { type BuildStart, evaluateBuildStart } from './policy/evaluate-build-start.js';
export { evaluateContainerSpec } from './policy/evaluate-container-spec.js';
export { evaluateHostJoin, type HostJoin } from './policy/evaluate-host-join.js';
export { evaluatePreview, type PreviewOpen } from './policy/evaluate-preview.js';
export {
  evaluateServiceChange,
  type ServiceChange,
  type ServiceChangeSpec,
  type TenantUsage,
} from './policy/evaluate-service-change.js';
export { hostPathCovers, type NormalisedHostPath, normaliseHostPath } from './policy/host-path.js';
export { DEFAULT_REGISTRY, imageRegistry, normaliseRegistry } from './policy/image-registry.js';
export { isLooserOrEqual } from './policy/is-looser-or-equal.js';
export type { PolicyDecision, PolicyDenial } from './policy/policy-decision.js';
export { applyPolicyPatch, type PolicyPatch, policyPatchSchema } from './policy/policy-patch.js';
export { serviceChangeSpec, sumServiceUsage } from './policy/service-usage.js';
export {
  type AdvanceInput,
  advanceRollout,
  compositionOf,
  type RecordedStep,
  type ReleaseHealth,
  type RolloutPhase,
  type RolloutProgress,
  type RolloutStatus as RolloutProgressStatus,
  type StepStatus,
  startRollout,
} from './rollout/advance-rollout.js';
export {
  type DriveRolloutInput,
  type DriveRolloutResult,
  driveRollout,
} from './rollout/drive-rollout.js';
export { applySteps, type Composition, type PlannedStep, planRolloutSteps } from './rollout/rollout-steps.js';
export {
  DEFAULT_MAX_SURGE_PERCENT,
  DEFAULT_MAX_UNAVAILABLE_PERCENT,
  type RolloutStrategy,
  rolloutStrategy,
} from './rollout/rollout-strategy.js';
export type { AgentAction, AllocationSpec, ObservedContainer } from './scheduling/agent-actions.js';
export { type AllocationIdParts, allocationId } from './scheduling/allocation-id.js';
export { allocationSpecFor, pinnedImage } from './scheduling/allocation-spec.js';
export { diffHost } from './scheduling/diff-host.js';
export { DEFAULT_HOST_GRACE_MS, type HostRegistration, hostsLost } from './scheduling/hosts-lost.js';
export { Placement } from './scheduling/placement.js';
export type {
  PlacedAllocation,
  PlacementInput,
  PlacementPlan,
  ServiceReplan,
  Unplaced,
  WantedService,
} from './scheduling/placement-types.js';
export {
  type DesiredPlan,
  type DesiredPlanInput,
  planDesired,
  type ServiceVerdict,
} from './scheduling/plan-desired.js';
export { planPlacement } from './scheduling/plan-placement.js';
export { specHash } from './scheduling/spec-hash.js';
export { slipwayJsonSchema, slipwayJsonSchemaText } from './schema/slipway-json-schema.js';
export { domainEnvironment, serviceSettingsIn } from './slipway-yaml/environment-settings.js';
export { formatSlipwayYaml } from './slipway-yaml/format-slipway-yaml.js';
export {
  MAX_SLIPWAY_YAML_LENGTH,
  parseSlipwayYaml,
  type SlipwayYamlFailure,
  type SlipwayYamlResult,
} from './slipway-yaml/parse-slipway-yaml.js';
export type { ServiceConfig } from './slipway-yaml/service-schema.js';
export {
  DEFAULT_BRANCH,
  DEFAULT_ENVIRONMENT,
  type SlipwayConfig,
  type SlipwayYamlInput,
  slipwayYamlSchema,
} from './slipway-yaml/slipway-schema.js';
export type { SlipwayYamlError, SlipwayYamlErrorCode } from './slipway-yaml/slipway-yaml-error.js';
export * from './units/cpu.js';
export * from './units/duration.js';
export * from './units/memory.js';
