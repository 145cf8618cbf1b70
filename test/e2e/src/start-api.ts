import type { Edge } from '@slipway/cloud';
import {
  awsEdgeFromConfig,
  controllerConfigFromEnv,
  createBackends,
  createController,
} from '@slipway/controller';
import { bootstrapAdmin } from '@slipway/identity';
import type { Logger } from 'pino';

/** A controller serving the API over the platform's state and Redis, with an admin token. */
export interface RunningApi {
  readonly url: string;
  /** The first admin's API token (`slw_…`). */
  readonly adminToken: string;
  /** Calls the API as the admin; JSON in and out. */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** Starts one controller replica from `env`, as `npm start` does (with AWS mode's edge when configured), on a free port. */
export async function startApi(
  env: NodeJS.ProcessEnv,
  cwd: string,
  logger: Logger,
  options: { edge?: Edge } = {},
): Promise<RunningApi> {
  const config = controllerConfigFromEnv({ ...env, SLIPWAY_API_PORT: '0' }, cwd);
  const awsEdge = awsEdgeFromConfig(config, logger);
  const controller = await createController({
    config,
    backends: createBackends(config),
    logger,
    ...(options.edge ? { edge: options.edge } : {}),
    ...(awsEdge ? { awsEdge } : {}),
  });
  const stop = async () => {
    await controller.stop();
    await awsEdge?.edge.close();
  };
  try {
    const url = await controller.app.listen({ host: '127.0.0.1', port: 0 });
    controller.start();
    const { users, tokens } = controller.services;
    const admin = await bootstrapAdmin({ users, tokens });
    if (!admin) throw new Error('the state folder already had an admin; the e2e platform needs a fresh one');
    return {
      url,
      adminToken: admin.token,
      async request(method, path, body) {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${admin.token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : undefined };
      },
      close: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
