import type { LeaderElector, LeaseBackend } from '@slipway/lease';
import type { StateStore } from '@slipway/state';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { ControllerMetrics } from './metrics.js';
import { healthRoutes } from './routes/health.js';
import { leaderRoutes } from './routes/leader.js';

export interface ServerOptions {
  controllerId: string;
  elector: LeaderElector;
  lease: LeaseBackend;
  leaseName: string;
  store: StateStore;
  metrics: ControllerMetrics;
  logger: Logger;
}

/** The controller's HTTP API. Only `main.ts` calls `listen`, so tests run it in-process with `inject`. */
export function createServer(options: ServerOptions): FastifyInstance {
  // Typed as the base logger so route modules take a plain FastifyInstance.
  const app: FastifyInstance = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Agents long-poll: a log line per request would drown everything else.
    logController: new LogController({ disableRequestLogging: true }),
  });
  healthRoutes(app, options);
  leaderRoutes(app, options);
  return app;
}
