/** How to reach the Docker engine: dockerode's constructor options, decided from DOCKER_HOST. */
export type DockerConnection = { socketPath: string } | { host: string; port: number; protocol: 'http' };

/**
 * `unix:///var/run/docker.sock` → `{ socketPath }`; `tcp://host:2375` → `{ host, port, protocol: 'http' }`.
 * Returns the problem in words for anything else (TLS and SSH engines are not supported yet:
 * reach them through a local socket, e.g. `ssh -L`).
 *
 * @example dockerConnectionFromHost('unix:///var/run/docker.sock') // { socketPath: '/var/run/docker.sock' }
 */
export function dockerConnectionFromHost(dockerHost: string): DockerConnection | string {
  if (dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost.slice('unix://'.length);
    return socketPath.startsWith('/')
      ? { socketPath }
      : `"${dockerHost}" must name an absolute socket path, e.g. unix:///var/run/docker.sock`;
  }
  if (dockerHost.startsWith('tcp://')) {
    let url: URL;
    try {
      url = new URL(`http://${dockerHost.slice('tcp://'.length)}`);
    } catch {
      return `"${dockerHost}" is not tcp://host:port`;
    }
    if (url.pathname !== '/' || url.search !== '' || url.username !== '')
      return `"${dockerHost}" must be tcp://host:port with nothing after the port`;
    return { host: url.hostname, port: url.port === '' ? 2375 : Number(url.port), protocol: 'http' };
  }
  return `"${dockerHost}" is not supported: use unix:///path/to/docker.sock or tcp://host:port`;
}
