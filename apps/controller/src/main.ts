// One controller replica as a process: `tsx apps/controller/src/main.ts` (or `npm start` in local mode).

import { startLocalEdge } from '@slipway/cloud';
import { createBackends } from './backends.js';
import { ConfigError, controllerConfigFromEnv } from './config.js';
import { createController } from './controller.js';
import { awsEdgeFromConfig } from './edge/aws-edge-from-config.js';
import { createControllerLogger } from './logger.js';

let config: ReturnType<typeof controllerConfigFromEnv>;
try {
  config = controllerConfigFromEnv(process.env, process.cwd());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`slipway controller: ${error.message}`);
  process.exit(2);
}

const logger = createControllerLogger({
  level: config.logLevel,
  base: { app: 'controller', controller: config.controllerId },
});
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

const edge =
  config.edgePort === undefined
    ? undefined
    : await startLocalEdge({
        host: config.edgeHost,
        port: config.edgePort,
        logger: logger.child({ component: 'edge' }),
      });
// AWS mode's edge: the leader keeps each tenant's ALB, Route53 records and certificates in step.
const awsEdge = awsEdgeFromConfig(config, logger);
const controller = await createController({
  config,
  backends: createBackends(config),
  logger,
  edge,
  ...(awsEdge ? { awsEdge } : {}),
});
await controller.app.listen({ host: config.apiHost, port: config.apiPort });
const address = controller.app.server.address();
const port = typeof address === 'object' && address ? address.port : config.apiPort;
logger.info({ mode: config.mode, url: `http://${config.apiHost}:${port}` }, 'controller API listening');
controller.start();

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'shutting down: releasing the lease');
    await controller.stop();
    await edge?.close();
    await awsEdge?.edge.close();
    process.exit(0);
  });
}
