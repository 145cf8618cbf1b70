// Start the native builder: config from the environment, once; only this file reads process.env.
import { pino } from 'pino';
import { builderConfigFromEnv } from './config/builder-config.js';
import { startBuilder } from './start-builder.js';

const config = builderConfigFromEnv(process.env, process.cwd());
const logger = pino({ level: config.logLevel, base: { service: 'builder-docker' } });
const builder = await startBuilder({ config, logger });

const stop = (signal: string) => {
  logger.info({ signal }, 'stopping: waiting for running builds');
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
