import type { Policy, PolicyLimits } from '../domain/policy.js';
import { capabilityAllowed } from './capability.js';
import { hostPathCovers, normaliseHostPath } from './host-path.js';
import { normaliseRegistry } from './image-registry.js';

const LIMITS: readonly (keyof PolicyLimits)[] = [
  'hosts',
  'services',
  'replicasPerService',
  'cpuMillicores',
  'memoryMiB',
  'concurrentBuilds',
  'previews',
];

/**
 * Whether policy `b` allows everything `a` allows: every limit at least as high, every
 * permission that `a` grants granted by `b`, every list a superset (host paths: each of `a`'s
 * paths under one of `b`'s; capabilities: `ALL` covers any). The tenant is not compared.
 * Used to check that the evaluators are monotonic, and to tell a loosening from a tightening.
 */
export function isLooserOrEqual(a: Policy, b: Policy): boolean {
  const pa = a.permissions;
  const pb = b.permissions;
  return (
    LIMITS.every((limit) => b.limits[limit] >= a.limits[limit]) &&
    (!pa.publicLoadBalancers || pb.publicLoadBalancers) &&
    (!pa.privileged || pb.privileged) &&
    pa.allowedBuilders.every((builder) => pb.allowedBuilders.includes(builder)) &&
    pa.capabilities.every((capability) => capabilityAllowed(pb.capabilities, capability)) &&
    pa.allowedRegistries.every((registry) =>
      pb.allowedRegistries.some((other) => normaliseRegistry(other) === normaliseRegistry(registry)),
    ) &&
    pa.hostVolumePaths.every(
      (path) =>
        // A prefix that cannot be normalised allows nothing, so it needs no cover.
        !normaliseHostPath(path).ok || pb.hostVolumePaths.some((prefix) => hostPathCovers(prefix, path)),
    )
  );
}
