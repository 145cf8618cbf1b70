import { type AllocationSpec, evaluateContainerSpec, type Policy } from '@slipway/core';
import type Docker from 'dockerode';
import { ActionFailure } from './action-outcome.js';
import { containerName, containerOptions } from './container-options.js';
import { engineMessage, statusOf } from './docker-errors.js';
import { LABELS } from './labels.js';
import type { SecretsFor } from './secrets.js';

export interface CreateAllocationDeps {
  docker: Docker;
  hostId: string;
  policy: Policy;
  platformRegistries: readonly string[];
  specHash: (spec: AllocationSpec) => string;
  /** Present on the engine afterwards, or throws `PULL_FAILED` (shared across a batch). */
  ensureImage: (image: string) => Promise<void>;
  /** The tenant's network id, created if missing (shared across a batch). */
  ensureNetwork: (tenant: string, lockImage: string) => Promise<string>;
  secretsFor?: SecretsFor;
  publishAddress?: string;
  labels?: Readonly<Record<string, string>>;
}

/**
 * Creates and starts one allocation's container, after checking the spec against the tenant's
 * policy again (defence in depth: the API checked it first). Idempotent: when a container of
 * the same host, allocation and spec already exists (an earlier run died before reporting), it
 * is started and returned rather than created twice. Returns the container id.
 */
export async function createAllocation(deps: CreateAllocationDeps, spec: AllocationSpec): Promise<string> {
  refuseForbidden(deps, spec);
  const secretEnv = await fetchSecrets(deps, spec);
  await deps.ensureImage(spec.image);
  const network = await deps.ensureNetwork(spec.tenant, spec.image);
  const hash = deps.specHash(spec);
  const options = containerOptions({
    hostId: deps.hostId,
    spec,
    specHash: hash,
    network,
    secretEnv,
    ...(deps.publishAddress === undefined ? {} : { publishAddress: deps.publishAddress }),
    ...(deps.labels === undefined ? {} : { labels: deps.labels }),
  });
  const container = await createOrAdopt(deps, spec, hash, options);
  try {
    await container.start();
  } catch (error) {
    if (statusOf(error) !== 304)
      throw new ActionFailure('START_FAILED', `Starting ${container.id} failed: ${engineMessage(error)}`, {
        containerId: container.id,
        cause: error,
      });
  }
  return container.id;
}

function refuseForbidden(deps: CreateAllocationDeps, spec: AllocationSpec): void {
  const decision = evaluateContainerSpec(
    deps.policy,
    {
      image: spec.image,
      privileged: spec.privileged === true,
      capabilities: spec.capabilities ?? [],
      hostVolumes: (spec.hostVolumes ?? []).map((volume) => volume.hostPath),
    },
    { platformRegistries: deps.platformRegistries },
  );
  if (decision.allowed) return;
  const reasons = decision.denials.map((denial) => denial.message).join('; ');
  throw new ActionFailure('POLICY_DENIED', `Refused by the tenant's policy: ${reasons}`, {
    denials: decision.denials,
  });
}

async function fetchSecrets(
  deps: CreateAllocationDeps,
  spec: AllocationSpec,
): Promise<Readonly<Record<string, string>>> {
  if (spec.secrets.length === 0) return {};
  const names = spec.secrets.join(', ');
  if (deps.secretsFor === undefined)
    throw new ActionFailure(
      'SECRETS_UNAVAILABLE',
      `The spec needs secrets (${names}) and this agent has no way to fetch them.`,
    );
  let values: Readonly<Record<string, string>>;
  try {
    values = await deps.secretsFor(spec);
  } catch (error) {
    // The cause's message is left out: it may quote what it fetched.
    throw new ActionFailure(
      'SECRETS_UNAVAILABLE',
      `Fetching the secrets ${names} failed; the container was not created.`,
      {
        cause: error,
      },
    );
  }
  const missing = spec.secrets.filter((name) => values[name] === undefined);
  if (missing.length > 0)
    throw new ActionFailure(
      'SECRETS_UNAVAILABLE',
      `The secrets ${missing.join(', ')} have no value; set them and deploy again.`,
    );
  return Object.fromEntries(spec.secrets.map((name) => [name, values[name] as string]));
}

async function createOrAdopt(
  deps: CreateAllocationDeps,
  spec: AllocationSpec,
  hash: string,
  options: Docker.ContainerCreateOptions,
): Promise<Docker.Container> {
  try {
    return await deps.docker.createContainer(options);
  } catch (error) {
    if (statusOf(error) !== 409)
      throw new ActionFailure(
        'CREATE_FAILED',
        `Creating the container of ${spec.allocation} failed: ${engineMessage(error)}`,
        {
          cause: error,
        },
      );
    const name = containerName(deps.hostId, spec.allocation);
    const info = await deps.docker.getContainer(name).inspect();
    const labels = info.Config.Labels ?? {};
    const same =
      labels[LABELS.host] === deps.hostId &&
      labels[LABELS.allocation] === spec.allocation &&
      labels[LABELS.spec] === hash;
    if (!same)
      throw new ActionFailure(
        'CREATE_FAILED',
        `A different container is already named ${name}; the controller should remove it before creating ${spec.allocation} again.`,
        { cause: error },
      );
    return deps.docker.getContainer(info.Id);
  }
}
