import type { Policy } from '../domain/policy.js';
import { type ContainerSpec, containerDenials, type PolicyEvaluationOptions } from './container-denials.js';
import { decide, type PolicyDecision } from './policy-decision.js';

/**
 * Checks one container against the tenant's permissions: image registry, privileged,
 * capabilities, host volumes. The agent calls it before creating a container (defence in
 * depth behind the API's {@link evaluateServiceChange}), with the same checks.
 *
 * @example evaluateContainerSpec(policy, { image: 'ghcr.io/acme/web:1', privileged: true },
 *   { platformRegistries: ['127.0.0.1:5000'] })
 */
export function evaluateContainerSpec(
  policy: Policy,
  spec: ContainerSpec,
  options: PolicyEvaluationOptions = {},
): PolicyDecision {
  return decide(containerDenials(policy.tenant, policy.permissions, spec, options));
}
