import type { Service, ServiceConfig } from '@slipway/core';

/** Where a service from slipway.yaml (or the image form) lands. */
export interface ServiceTarget {
  tenant: string;
  environment: string;
  name: string;
  /** `owner/name` the build services are built from; unused for image services. */
  repo: string | undefined;
}

/**
 * The stored Service for one validated service of slipway.yaml. Nothing runs until a release is
 * made current, so `release` starts null (image services get theirs right after, see
 * `ensureImageRelease`).
 */
export function serviceFromConfig(config: ServiceConfig, target: ServiceTarget): Service {
  const { source, ...settings } = config;
  if (source.kind === 'build' && target.repo === undefined) {
    // parseCreateRequest refuses this with a field error first; reaching it is a bug.
    throw new TypeError(`service ${target.name} is built from a repository, but no repository was given`);
  }
  return {
    tenant: target.tenant,
    environment: target.environment,
    name: target.name,
    source:
      source.kind === 'build'
        ? {
            kind: 'build',
            repo: target.repo!,
            path: source.context,
            dockerfile: source.dockerfile,
            args: source.args,
            builder: source.builder,
          }
        : { kind: 'image', image: source.image },
    port: settings.port,
    replicas: settings.replicas,
    resources: settings.resources,
    health: settings.health,
    env: settings.env,
    secrets: settings.secrets,
    domains: settings.domains,
    visibility: settings.visibility,
    release: null,
  };
}
