import type { AllocationSpec } from './agent-actions.js';
import { canonicalJson, stableHash } from './stable-hash.js';

/**
 * A stable hash of an allocation spec (16 hex digits), independent of key order. The agent
 * labels each container with it (`io.slipway.spec`); a container whose label differs from the
 * desired spec's hash is replaced. `drainingSince` is left out: draining never replaces a container.
 *
 * @example specHash(spec) === specHash({ ...spec }) // true, whatever the key order
 */
export function specHash(spec: AllocationSpec): string {
  // Draining changes who sends the container requests, not the container.
  const { drainingSince: _draining, ...container } = spec;
  return stableHash(canonicalJson(container));
}
