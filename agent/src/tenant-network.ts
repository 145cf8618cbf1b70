import type Docker from 'dockerode';
import { ActionFailure } from './action-outcome.js';
import { engineMessage } from './docker-errors.js';
import { withEngineLock } from './engine-lock.js';
import { LABELS } from './labels.js';

/** The bridge network of one tenant: its containers are attached to it and to nothing else. */
export function tenantNetworkName(tenant: string): string {
  return `slipway-${tenant}`;
}

export interface EnsureTenantNetworkOptions {
  docker: Docker;
  tenant: string;
  /** An image on the engine, for the lock container (the image of the allocation being created). */
  lockImage: string;
  /** Extra labels for what this call creates (tests mark their objects for cleanup). */
  labels?: Readonly<Record<string, string>>;
}

/**
 * Makes the tenant's bridge network exist and returns its id. Shared by every agent on the
 * engine (it carries the tenant's label, not a host's). Containers on one bridge reach each
 * other (inter-container communication stays on, Docker's default); Docker's isolation rules
 * keep other bridges — other tenants — out.
 *
 * Engines before API 1.44 let racing creates make several networks of one name (CheckDuplicate
 * is not atomic), which would split a tenant's containers, so the create runs under an
 * engine-wide lock ({@link withEngineLock}) and re-checks first.
 */
export async function ensureTenantNetwork(options: EnsureTenantNetworkOptions): Promise<string> {
  const { docker, tenant } = options;
  const name = tenantNetworkName(tenant);
  const find = () => findTenantNetwork(docker, name, tenant);
  try {
    return await withEngineLock(
      {
        docker,
        name: `slipway-lock-network-${tenant}`,
        image: options.lockImage,
        labels: lockLabels(options),
      },
      find,
      async () =>
        (await find()) ??
        (
          await docker.createNetwork({
            Name: name,
            Driver: 'bridge',
            CheckDuplicate: true,
            Labels: { ...options.labels, [LABELS.tenant]: tenant },
            Options: { 'com.docker.network.bridge.enable_icc': 'true' },
          })
        ).id,
    );
  } catch (error) {
    if (error instanceof ActionFailure) throw error;
    throw new ActionFailure(
      'NETWORK_FAILED',
      `Could not create the network ${name}: ${networkMessage(error)}`,
      {
        cause: error,
      },
    );
  }
}

function lockLabels(options: EnsureTenantNetworkOptions): Record<string, string> {
  return { ...options.labels, [LABELS.tenant]: options.tenant, 'io.slipway.lock': 'network' };
}

function networkMessage(error: unknown): string {
  const message = engineMessage(error);
  return /address pool/i.test(message)
    ? `${message}. The engine has no free subnet for another bridge: remove unused networks (docker network prune) or widen the daemon's default-address-pools`
    : message;
}

/** The id of the tenant's network, after checking it is the tenant's bridge. */
async function findTenantNetwork(docker: Docker, name: string, tenant: string): Promise<string | undefined> {
  // The name filter matches substrings: compare exactly.
  const networks = (await docker.listNetworks({ filters: JSON.stringify({ name: [name] }) })).filter(
    (candidate) => candidate.Name === name,
  );
  if (networks.length > 1)
    throw new ActionFailure(
      'NETWORK_FAILED',
      `There are ${networks.length} networks named ${name} (made outside the agent's lock); remove all but one.`,
    );
  const network = networks[0];
  if (network === undefined) return undefined;
  // A network of that name that Slipway did not make for this tenant could join the tenant's
  // containers to strangers: refuse it rather than attach to it.
  if (network.Driver !== 'bridge' || network.Labels?.[LABELS.tenant] !== tenant)
    throw new ActionFailure(
      'NETWORK_FAILED',
      `A network named ${name} exists but is not tenant ${tenant}'s bridge (driver ${network.Driver}, label ${LABELS.tenant}=${network.Labels?.[LABELS.tenant] ?? 'none'}); remove it so the agent can create it.`,
    );
  return network.Id;
}
