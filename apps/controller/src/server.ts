import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { authenticate } from './api/authenticate.js';
import { closeUnusedConnectionsOnClose } from './api/close-unused-connections.js';
import { installErrorHandlers } from './api/error-handler.js';
import { registerOpenApi } from './api/openapi.js';
import { registerRateLimit } from './api/rate-limit.js';
import { registerRoutes } from './api/register-routes.js';
import type { AnyRoute } from './api/route.js';
import type { ApiServices } from './api/services.js';
import { routeTable } from './routes/index.js';

export interface ServerOptions {
  services: ApiServices;
  rateLimit: { perMinute: number; redis?: Redis; keyPrefix: string };
  /** Default: the controller's route table. */
  routes?: readonly AnyRoute[];
}

/**
 * The controller's HTTP API. Only `main.ts` (and the local launcher) call `listen`, so tests run
 * it in-process on a port of their own.
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: options.services.logger as FastifyBaseLogger,
    // Agents long-poll: a log line per request would drown everything else.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app);
  closeUnusedConnectionsOnClose(app);
  await registerOpenApi(app);
  app.addHook('onRequest', (request) => authenticate(request, options.services));
  await registerRateLimit(app, options.rateLimit);
  registerRoutes(app, options.routes ?? routeTable, options.services);
  return app;
}
