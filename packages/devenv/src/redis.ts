import { connect } from 'node:net';
import { join } from 'node:path';
import { hostAndPort, isLoopback, type ServicesConfig } from './config.js';
import { MissingDependencyError, ServiceNotReadyError } from './errors.js';
import { findExecutable, startDetached, waitUntil } from './process.js';

/** True when something speaking the Redis protocol answers PING at `url`. */
export function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const { host, port } = hostAndPort(url, 6379);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // "+PONG", or "-NOAUTH…" from a password-protected server: either way, Redis is there.
    socket.once('data', (reply) => done(reply[0] === 0x2b || reply[0] === 0x2d));
  });
}

/** Reuses the Redis at config.redisUrl, or starts redis-server there when it is on this machine. */
export async function ensureRedis(config: ServicesConfig): Promise<'reused' | 'started'> {
  if (await redisAnswers(config.redisUrl)) return 'reused';
  const { host, port } = hostAndPort(config.redisUrl, 6379);
  if (!isLoopback(host)) {
    throw new ServiceNotReadyError(
      'Redis',
      `nothing answers at ${config.redisUrl}, and it is not on this machine`,
    );
  }
  const command = findExecutable('redis-server', config.searchPath);
  if (!command) throw new MissingDependencyError('redis-server', 'apt-get install -y redis-server');
  const logFile = join(config.dataDir, 'redis.log');
  // No persistence: the queue's durable truth is replayable, and tests want a clean slate per machine boot.
  startDetached({
    command,
    args: ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no'],
    logFile,
  });
  await waitUntil({
    component: 'Redis',
    probe: () => redisAnswers(config.redisUrl),
    timeoutMs: 15_000,
    logFile,
  });
  return 'started';
}
