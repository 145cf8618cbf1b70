// A builder process for the stalled-job test: exactly what src/main.ts does, plus the test's image
// labels (so its images are cleaned up), and "ready" on stdout once it takes jobs.
import { pino } from 'pino';
import { builderConfigFromEnv, startBuilder } from '../../src/index.js';

const config = builderConfigFromEnv(process.env, process.cwd());
const logger = pino({ level: config.logLevel }, pino.destination(2));
const labels = JSON.parse(process.env.TEST_IMAGE_LABELS ?? '{}') as Record<string, string>;
const builder = await startBuilder({ config, logger, labels });
process.stdout.write('ready\n');
process.once('SIGTERM', () => void builder.close());
