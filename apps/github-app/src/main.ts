// Start the GitHub App: config from probot's variables, once; only this file reads process.env and listens.
import { createQueues } from '@slipway/queue';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { githubAppConfigFromEnv } from './config.js';
import { createGitHubApp, WEBHOOK_PATH } from './create-github-app.js';

const config = githubAppConfigFromEnv(process.env);
const logger = pino({ level: config.logLevel, base: { service: 'github-app' } });
// Fail fast instead of queueing commands while Redis is away: the webhook must get a 5xx, not a late 202.
const redis = new Redis(config.redisUrl, { enableOfflineQueue: false });
redis.on('error', (error) => logger.error({ err: error }, 'Redis connection error'));
const queues = createQueues({
  connection: redis,
  prefix: config.keyPrefix,
  onError: (error, queue) => logger.error({ err: error, queue }, 'queue connection error'),
});
const app = await createGitHubApp({ config, queues, redis, logger });
const port = await app.listen(config.port);
logger.info({ port, path: WEBHOOK_PATH, baseUrl: config.baseUrl ?? 'https://api.github.com' }, 'listening');

const stop = async (signal: string) => {
  logger.info({ signal }, 'stopping');
  await app.close();
  await queues.close();
  redis.disconnect();
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
