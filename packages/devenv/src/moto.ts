import { join } from 'node:path';
import { hostAndPort, isLoopback, type ServicesConfig } from './config.js';
import { MissingDependencyError, ServiceNotReadyError } from './errors.js';
import { findExecutable, httpAnswers, startDetached, waitUntil } from './process.js';

/** Reuses the AWS API at config.awsEndpoint, or starts moto_server there. */
export async function ensureMoto(config: ServicesConfig): Promise<'reused' | 'started'> {
  const probe = () => httpAnswers(`${config.awsEndpoint}/moto-api/`);
  if (await probe()) return 'reused';
  const { host, port } = hostAndPort(config.awsEndpoint, 5001);
  if (!isLoopback(host)) {
    throw new ServiceNotReadyError('The AWS API (moto_server)', `nothing answers at ${config.awsEndpoint}`);
  }
  const command = findExecutable('moto_server', config.searchPath);
  if (!command) throw new MissingDependencyError('moto_server', `pip install 'moto[server]'`);
  const logFile = join(config.dataDir, 'moto.log');
  // moto issues an ACM certificate this many seconds after the request (default 60), whatever
  // DNS holds; the edge tests wait for issuance, so a short wait keeps them short.
  startDetached({
    command,
    args: ['-H', host, '-p', String(port)],
    logFile,
    env: { MOTO_ACM_VALIDATION_WAIT: process.env.MOTO_ACM_VALIDATION_WAIT ?? '3' },
  });
  await waitUntil({ component: 'moto_server', probe, timeoutMs: 30_000, logFile });
  return 'started';
}
