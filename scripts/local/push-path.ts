// The push path of `npm start`: the GitHub App and the native builder in this process, or — when
// no GitHub App is registered yet — probot's app-manifest registration page instead.

import { CircleciConfigError, circleciConfigFromEnv, startCircleciBuilder } from '@slipway/builder-circleci';
import { BuilderConfigError, builderConfigFromEnv, startBuilder } from '@slipway/builder-docker';
import {
  GitHubAppConfigError,
  GitHubAppStartError,
  githubAppConfigFromEnv,
  manifestSetupOptionsFromEnv,
  needsAppRegistration,
  runManifestSetup,
  startGitHubApp,
} from '@slipway/github-app';
import type { Logger } from 'pino';

export interface PushPath {
  /** Lines for the start-up summary. */
  readonly summary: string[];
  close(): Promise<void>;
}

/** Whether the CircleCI builder is configured: its API or its webhook port is set. */
function wantsCircleci(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.CIRCLECI_URL || env.SLIPWAY_CIRCLECI_WEBHOOK_PORT);
}

/** Thrown with a message for the user when the push path cannot start as configured. */
export class PushPathError extends Error {
  override readonly name = 'PushPathError';
}

/**
 * Starts what `env` allows. With APP_ID (from the environment or the env file a registration
 * wrote): the GitHub App (webhooks, inbox pump, intake) and the builder. Without: the
 * registration page, which writes the credentials to `envFile` and asks for a restart.
 */
export async function startPushPath(options: {
  env: NodeJS.ProcessEnv;
  cwd: string;
  envFile: string;
  logger: Logger;
}): Promise<PushPath> {
  const { env, cwd, envFile, logger } = options;
  if (needsAppRegistration(env)) {
    const setup = await runManifestSetup({
      ...manifestSetupOptionsFromEnv(env, envFile),
      logger: logger.child({ name: 'github-app-setup' }),
    });
    setup.registered.then(
      (app) =>
        console.log(
          `\nslipway: GitHub App "${app.name}" registered; its credentials are in ${app.envFile}.\n` +
            `  install it: ${app.htmlUrl}/installations/new\n` +
            '  then restart `npm start` to receive its webhooks and build.',
        ),
      (error: unknown) => logger.error({ err: error }, 'GitHub App registration failed'),
    );
    return {
      summary: [
        `  GitHub App      not registered yet: open ${setup.url} to register one (probot's app-manifest flow)`,
        '  builder         starts once the GitHub App is registered (it fetches sources with its key)',
      ],
      close: () => setup.close(),
    };
  }
  try {
    const app = await startGitHubApp({
      config: githubAppConfigFromEnv(env, cwd),
      logger: logger.child({ app: 'github-app' }),
    });
    try {
      const builder = await startBuilder({
        config: builderConfigFromEnv(env, cwd),
        logger: logger.child({ app: 'builder-docker' }),
      });
      // The CircleCI hand-off only when asked for: it needs a CircleCI reachable from here.
      const circleci = wantsCircleci(env)
        ? await startCircleciBuilder({
            config: circleciConfigFromEnv(env, cwd),
            logger: logger.child({ app: 'builder-circleci' }),
          }).catch(async (error: unknown) => {
            await builder.close();
            throw error;
          })
        : undefined;
      return {
        summary: [
          `  GitHub App      http://127.0.0.1:${app.port}/api/github/webhooks  (app ${env.APP_ID})`,
          '  builder         native Docker builds → the local registry',
          circleci
            ? `  CircleCI        hand-off on; webhooks at ${circleci.webhookUrl}/circleci/webhooks/<tenant>`
            : '  CircleCI        off (set CIRCLECI_URL or SLIPWAY_CIRCLECI_WEBHOOK_PORT to hand builder: circleci services to CircleCI)',
        ],
        close: async () => {
          await app.close();
          await circleci?.close();
          await builder.close();
        },
      };
    } catch (error) {
      await app.close();
      throw error;
    }
  } catch (error) {
    if (
      error instanceof GitHubAppConfigError ||
      error instanceof GitHubAppStartError ||
      error instanceof BuilderConfigError ||
      error instanceof CircleciConfigError
    ) {
      throw new PushPathError(error.message);
    }
    throw error;
  }
}
