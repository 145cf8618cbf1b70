import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import type { ServicesConfig } from './config.js';
import { dockerClient } from './docker.js';
import { MissingDependencyError } from './errors.js';
import { findExecutable } from './process.js';

const run = promisify(execFile);

/** The busybox applets linked into the base image: enough to serve HTTP and run shell health checks. */
const applets = [
  'sh',
  'httpd',
  'echo',
  'cat',
  'ls',
  'sleep',
  'wget',
  'env',
  'printf',
  'test',
  'true',
  'false',
  'mkdir',
  'rm',
  'cp',
  'mv',
  'grep',
  'sed',
  'hostname',
  'id',
  'ps',
  'kill',
  'date',
  'nc',
  'tail',
];

async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes the base image (`slipway/busybox:local` by default) from Debian's static busybox when
 * the engine lacks it. Nothing can be pulled from the internet here, so every example and test
 * Dockerfile builds FROM this image.
 */
export async function ensureBaseImage(config: ServicesConfig): Promise<'reused' | 'started'> {
  const docker = dockerClient(config);
  if (await imageExists(docker, config.baseImage)) return 'reused';
  const busybox = findExecutable('busybox', config.searchPath);
  if (!busybox) throw new MissingDependencyError('busybox', 'apt-get install -y busybox-static');
  const rootfs = mkdtempSync(join(tmpdir(), 'slipway-rootfs-'));
  try {
    mkdirSync(join(rootfs, 'bin'));
    mkdirSync(join(rootfs, 'tmp'));
    copyFileSync(busybox, join(rootfs, 'bin', 'busybox'));
    for (const applet of applets) symlinkSync('busybox', join(rootfs, 'bin', applet));
    const tarFile = `${rootfs}.tar`;
    await run('tar', ['-C', rootfs, '-cf', tarFile, '.']);
    const [repo, tag] = config.baseImage.split(':');
    const progress = await docker.importImage(tarFile, { repo, tag: tag ?? 'latest' });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(progress, (error: Error | null) => (error ? reject(error) : resolve())),
    );
    rmSync(tarFile, { force: true });
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  return 'started';
}
