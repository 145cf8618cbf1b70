// Start the CircleCI builder: config from the environment, once; only this file reads process.env.
import { pino } from 'pino';
import { circleciConfigFromEnv } from './config/circleci-config.js';
import { startCircleciBuilder } from './start-circleci-builder.js';

const config = circleciConfigFromEnv(process.env, process.cwd());
const logger = pino({ level: config.shared.logLevel, base: { service: 'builder-circleci' } });
const builder = await startCircleciBuilder({ config, logger });

const stop = (signal: string) => {
  logger.info({ signal }, 'stopping: waiting for followed pipelines');
  builder.close().then(
    () => logger.info({}, 'stopped'),
    (error: unknown) => {
      logger.error({ err: error }, 'stopping failed');
      process.exitCode = 1;
    },
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
