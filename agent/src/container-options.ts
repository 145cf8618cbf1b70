import type { AllocationSpec } from '@slipway/core';
import type Docker from 'dockerode';
import { allocationLabels } from './labels.js';

export interface ContainerOptionsInput {
  hostId: string;
  spec: AllocationSpec;
  specHash: string;
  /** The tenant's network (id or name): the only one the container joins. */
  network: string;
  /** Secret env values fetched for this container; they win over `spec.env` entries of the same name. */
  secretEnv?: Readonly<Record<string, string>>;
  /** Host address the port is published on; the engine's default (every address) when omitted. */
  publishAddress?: string;
  /** Extra labels (tests mark their objects for cleanup); never override the allocation's own. */
  labels?: Readonly<Record<string, string>>;
}

/** The container's name on the engine: unique per host and allocation, so agents sharing an engine never meet. */
export function containerName(hostId: string, allocation: string): string {
  return `slipway-${hostId}-${allocation}`;
}

/**
 * The Engine API body that creates one allocation's container — built as data, so tests compare
 * it and the executor only sends it. `PORT` is set to the spec's port (as Heroku and Render do)
 * unless the spec's env sets it; secrets win over plain env of the same name.
 */
export function containerOptions(input: ContainerOptionsInput): Docker.ContainerCreateOptions {
  const { spec, network } = input;
  const port = `${spec.port}/tcp`;
  const env = { PORT: String(spec.port), ...spec.env, ...input.secretEnv };
  return {
    name: containerName(input.hostId, spec.allocation),
    Image: spec.image,
    Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
    Labels: { ...input.labels, ...allocationLabels(input) },
    ExposedPorts: { [port]: {} },
    HostConfig: {
      NetworkMode: network,
      // An empty HostPort asks the engine for an ephemeral one; observeHost reads it back.
      PortBindings: { [port]: [{ HostIp: input.publishAddress ?? '', HostPort: '' }] },
      NanoCpus: spec.resources.cpuMillicores * 1_000_000,
      Memory: spec.resources.memoryMiB * 1024 * 1024,
      RestartPolicy: { Name: 'unless-stopped' },
      Privileged: spec.privileged === true,
      ...(spec.capabilities && spec.capabilities.length > 0 ? { CapAdd: [...spec.capabilities] } : {}),
      ...(spec.hostVolumes && spec.hostVolumes.length > 0
        ? {
            Mounts: spec.hostVolumes.map((volume) => ({
              Type: 'bind' as const,
              Source: volume.hostPath,
              Target: volume.containerPath,
              ReadOnly: volume.readOnly,
            })),
          }
        : {}),
    },
  };
}
