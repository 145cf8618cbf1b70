import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostAndPort, isLoopback, type ServicesConfig } from './config.js';
import { MissingDependencyError, ServiceNotReadyError } from './errors.js';
import { findExecutable, httpAnswers, startDetached, waitUntil } from './process.js';

/** Reuses the registry at config.registryAddress, or starts Debian's docker-registry there. */
export async function ensureRegistry(config: ServicesConfig): Promise<'reused' | 'started'> {
  const probe = () => httpAnswers(`http://${config.registryAddress}/v2/`);
  if (await probe()) return 'reused';
  const { host, port } = hostAndPort(config.registryAddress, 5000);
  if (!isLoopback(host)) {
    throw new ServiceNotReadyError('The registry', `nothing answers at ${config.registryAddress}`);
  }
  const command = findExecutable('docker-registry', config.searchPath);
  if (!command) throw new MissingDependencyError('docker-registry', 'apt-get install -y docker-registry');
  const dir = join(config.dataDir, 'registry');
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'config.yml');
  writeFileSync(
    configFile,
    [
      'version: 0.1',
      'log: { level: warn }',
      'storage:',
      `  filesystem: { rootdirectory: ${JSON.stringify(join(dir, 'data'))} }`,
      '  delete: { enabled: true }',
      `http: { addr: "${host}:${port}" }`,
      '',
    ].join('\n'),
  );
  const logFile = join(config.dataDir, 'registry.log');
  startDetached({ command, args: ['serve', configFile], logFile });
  await waitUntil({ component: 'The registry', probe, timeoutMs: 15_000, logFile });
  return 'started';
}
