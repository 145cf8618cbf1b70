import type { PolicyPermissions } from '../domain/policy.js';
import { capabilityAllowed, normaliseCapability } from './capability.js';
import { hostPathCovers, normaliseHostPath } from './host-path.js';
import { imageRegistry, normaliseRegistry } from './image-registry.js';
import { listForMessage, type PolicyDenial } from './policy-decision.js';

/** What a container asks of its host, as far as the policy cares. */
export interface ContainerSpec {
  /** Omitted for images the platform built itself (their registry is the platform's). */
  image?: string;
  privileged?: boolean;
  /** Linux capabilities to add (`NET_ADMIN`, `cap_net_admin` …). */
  capabilities?: readonly string[];
  /** Host sides of bind mounts: absolute host paths. */
  hostVolumes?: readonly string[];
}

/** Settings of the platform, not of a tenant, that policy evaluation needs. */
export interface PolicyEvaluationOptions {
  /** Registry hosts of the platform's own registry (`127.0.0.1:5000`, the ECR host): always allowed. */
  platformRegistries?: readonly string[];
}

/**
 * Every denial of a container's image, privileges, capabilities and host volumes. Shared by
 * the API's check of a service and the agent's check of a container, so both refuse alike.
 */
export function containerDenials(
  tenant: string,
  permissions: PolicyPermissions,
  spec: ContainerSpec,
  options: PolicyEvaluationOptions = {},
): PolicyDenial[] {
  return [
    ...(spec.image === undefined ? [] : imageDenials(tenant, permissions, spec.image, options)),
    ...(spec.privileged === true && !permissions.privileged
      ? [
          {
            policy: 'permissions.privileged',
            requested: true,
            allowed: false,
            message: 'privileged containers are not allowed (permissions.privileged = false)',
          },
        ]
      : []),
    ...capabilityDenials(permissions, spec.capabilities ?? []),
    ...(spec.hostVolumes ?? []).flatMap((path) => hostVolumeDenials(permissions, path)),
  ];
}

function imageDenials(
  tenant: string,
  permissions: PolicyPermissions,
  image: string,
  options: PolicyEvaluationOptions,
): PolicyDenial[] {
  const registry = imageRegistry(image);
  const platform = (options.platformRegistries ?? []).map(normaliseRegistry);
  if (platform.includes(registry)) return platformImageDenials(tenant, permissions, image, registry);
  if (permissions.allowedRegistries.map(normaliseRegistry).includes(registry)) return [];
  const nextStep =
    platform.length === 0
      ? `ask an admin to allow ${registry}`
      : `push it to the platform's registry (${platform.join(', ')}) or ask an admin to allow ${registry}`;
  return [
    {
      policy: 'permissions.allowedRegistries',
      requested: registry,
      allowed: permissions.allowedRegistries,
      message: `image ${image} comes from registry ${registry}, which is not in permissions.allowedRegistries (${listForMessage(permissions.allowedRegistries)}); ${nextStep}`,
    },
  ];
}

/**
 * The platform's registry holds every tenant's images (`<host>/[prefix/]<tenant>/<service>`) and
 * its pull credentials reach them all, so a tenant may run only images of its own repositories
 * there — whatever permissions.allowedRegistries says (tenancy is not a permission).
 */
function platformImageDenials(
  tenant: string,
  permissions: PolicyPermissions,
  image: string,
  registry: string,
): PolicyDenial[] {
  const path = image.slice(image.indexOf('/') + 1).split('@')[0]!;
  const segments = path.replace(/:[^/]*$/, '').split('/');
  if (segments.length >= 2 && segments[segments.length - 2] === tenant) return [];
  return [
    {
      policy: 'permissions.allowedRegistries',
      requested: image,
      allowed: permissions.allowedRegistries,
      message: `image ${image} is in the platform's registry ${registry} but not in tenant ${tenant}'s repositories (${registry}/…/${tenant}/<service>), and permissions.allowedRegistries never opens other tenants' images; run an image of your own services, or one from another registry`,
    },
  ];
}

function capabilityDenials(permissions: PolicyPermissions, capabilities: readonly string[]): PolicyDenial[] {
  const seen = new Set<string>();
  const denials: PolicyDenial[] = [];
  for (const capability of capabilities) {
    const normalised = normaliseCapability(capability);
    if (seen.has(normalised) || capabilityAllowed(permissions.capabilities, capability)) continue;
    seen.add(normalised);
    denials.push({
      policy: 'permissions.capabilities',
      requested: capability,
      allowed: permissions.capabilities,
      message: `capability ${capability} is not in permissions.capabilities (${listForMessage(permissions.capabilities)})`,
    });
  }
  return denials;
}

function hostVolumeDenials(permissions: PolicyPermissions, path: string): PolicyDenial[] {
  const allowed = permissions.hostVolumePaths;
  if (allowed.some((prefix) => hostPathCovers(prefix, path))) return [];
  const inside = `permissions.hostVolumePaths (${listForMessage(allowed)})`;
  const normalised = normaliseHostPath(path);
  const message = normalised.ok
    ? `host path ${path} is outside ${inside}`
    : {
        relative: `host path ${path} is not absolute; give a path starting with / inside ${inside}`,
        escapes: `host path ${path} climbs above / with '..'; give a path inside ${inside}`,
        invalid: `host path ${JSON.stringify(path)} contains a NUL byte or a backslash; give a plain path inside ${inside}`,
      }[normalised.reason];
  return [{ policy: 'permissions.hostVolumePaths', requested: path, allowed, message }];
}
