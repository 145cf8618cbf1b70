// `npm start -w @slipway/github-app`: the only file that reads process.env, handles signals and exits.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { GitHubAppConfigError, githubAppConfigFromEnv, needsAppRegistration } from './config.js';
import { manifestSetupOptionsFromEnv, runManifestSetup } from './manifest/index.js';
import { startGitHubApp } from './start-github-app.js';

const env = process.env;
const envFile = resolve(env.SLIPWAY_ENV_FILE ?? '.env');
// Credentials a previous registration wrote; variables already set win.
if (existsSync(envFile)) process.loadEnvFile(envFile);
const logger = pino({ level: env.LOG_LEVEL ?? 'info', base: { service: 'github-app' } });

const stopOnSignal = (close: () => Promise<void>) => {
  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

if (needsAppRegistration(env)) {
  const setup = await runManifestSetup({
    ...manifestSetupOptionsFromEnv(env, envFile),
    logger,
  });
  stopOnSignal(() => setup.close());
  const app = await setup.registered;
  logger.info(
    { envFile, install: `${app.htmlUrl}/installations/new` },
    'GitHub App registered: restart to start it, then install it on your repositories',
  );
} else {
  try {
    const config = githubAppConfigFromEnv(env);
    logger.level = config.logLevel;
    const app = await startGitHubApp({ config, logger });
    stopOnSignal(() => app.close());
  } catch (error) {
    if (!(error instanceof GitHubAppConfigError)) throw error;
    logger.fatal(error.message);
    process.exit(2);
  }
}
