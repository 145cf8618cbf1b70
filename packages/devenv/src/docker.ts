import { join } from 'node:path';
import Docker from 'dockerode';
import type { ServicesConfig } from './config.js';
import { MissingDependencyError, ServiceNotReadyError } from './errors.js';
import { findExecutable, startDetached, waitUntil } from './process.js';

export function dockerClient(config: ServicesConfig): Docker {
  return new Docker({ socketPath: config.dockerSocket });
}

export async function dockerAnswers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** Reuses the Docker engine on config.dockerSocket, or starts dockerd (root only). */
export async function ensureDocker(config: ServicesConfig): Promise<'reused' | 'started'> {
  const docker = dockerClient(config);
  if (await dockerAnswers(docker)) return 'reused';
  const command = findExecutable('dockerd', config.searchPath);
  if (!command)
    throw new MissingDependencyError('The Docker engine (dockerd)', 'apt-get install -y docker.io');
  if (process.getuid?.() !== 0) {
    throw new ServiceNotReadyError(
      'The Docker engine',
      `nothing answers on ${config.dockerSocket}; start it as root (sudo dockerd) or join the docker group`,
    );
  }
  const logFile = join(config.dataDir, 'dockerd.log');
  startDetached({ command, args: ['--host', `unix://${config.dockerSocket}`], logFile });
  await waitUntil({
    component: 'The Docker engine',
    probe: () => dockerAnswers(docker),
    timeoutMs: 60_000,
    logFile,
  });
  return 'started';
}
