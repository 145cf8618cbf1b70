import type { FastifyInstance } from 'fastify';
import type { ControllerMetrics } from '../metrics.js';

/** Liveness and Prometheus metrics: the same on every replica, leader or not. */
export function healthRoutes(
  app: FastifyInstance,
  options: { controllerId: string; metrics: ControllerMetrics },
) {
  app.get('/healthz', async () => ({ status: 'ok', controller: options.controllerId }));
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });
}
