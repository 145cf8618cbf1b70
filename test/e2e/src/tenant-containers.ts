import type Docker from 'dockerode';

/** A container the agents made for a tenant, as the engine shows it. */
export interface TenantContainer {
  id: string;
  host: string;
  service: string;
  release: string;
  allocation: string;
  state: string;
  startedAt: string;
  hostPort: number | undefined;
  networks: string[];
  nanoCpus: number;
  memory: number;
  labels: Record<string, string>;
}

/** Every container labelled with `tenant`, inspected, in allocation order. */
export async function tenantContainers(docker: Docker, tenant: string): Promise<TenantContainer[]> {
  const listed = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`io.slipway.tenant=${tenant}`, 'io.slipway.allocation'] }),
  });
  const inspected = await Promise.all(
    listed.map((c) =>
      docker
        .getContainer(c.Id)
        .inspect()
        .catch(() => undefined),
    ),
  );
  return inspected
    .filter((info): info is Docker.ContainerInspectInfo => info !== undefined)
    .map((info) => {
      const labels = info.Config.Labels ?? {};
      const port = Object.values(info.NetworkSettings.Ports ?? {})
        .flatMap((bindings) => bindings ?? [])
        .find((binding) => binding.HostPort !== '')?.HostPort;
      return {
        id: info.Id,
        host: labels['io.slipway.host'] ?? '',
        service: labels['io.slipway.service'] ?? '',
        release: labels['io.slipway.release'] ?? '',
        allocation: labels['io.slipway.allocation'] ?? '',
        state: info.State.Status,
        startedAt: info.State.StartedAt,
        hostPort: port === undefined ? undefined : Number(port),
        networks: Object.keys(info.NetworkSettings.Networks ?? {}),
        nanoCpus: info.HostConfig.NanoCpus ?? 0,
        memory: info.HostConfig.Memory ?? 0,
        labels,
      };
    })
    .sort((a, b) => (a.allocation < b.allocation ? -1 : a.allocation > b.allocation ? 1 : 0));
}

/** The running ones of `service` (on `hosts`, when given). */
export function running(
  containers: readonly TenantContainer[],
  service: string,
  hosts?: ReadonlySet<string>,
) {
  return containers.filter(
    (c) => c.state === 'running' && c.service === service && (hosts === undefined || hosts.has(c.host)),
  );
}
