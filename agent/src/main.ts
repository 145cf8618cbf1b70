#!/usr/bin/env tsx
// The agent binary: reads its variables, starts the loops, and on SIGTERM/SIGINT stops them
// (the containers keep running; the next start adopts them).
import { createRedactingLogger } from '@slipway/secrets';
import Docker from 'dockerode';
import { AgentConfigError, agentConfigFromEnv } from './agent-env.js';
import { startAgent } from './start-agent.js';

let config: ReturnType<typeof agentConfigFromEnv>;
try {
  config = agentConfigFromEnv(process.env, process.cwd());
} catch (error) {
  if (!(error instanceof AgentConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

const logger = createRedactingLogger({
  level: config.logLevel,
  redact: ['hostToken', '*.hostToken', 'joinToken', '*.joinToken'],
});

try {
  const agent = await startAgent({
    docker: new Docker(config.docker),
    apiUrl: config.apiUrl,
    tenant: config.tenant,
    stateDir: config.stateDir,
    ...(config.joinToken ? { joinToken: config.joinToken } : {}),
    ...(config.hostName ? { hostName: config.hostName } : {}),
    capacity: config.capacity,
    labels: config.labels,
    publishAddress: config.publishAddress,
    logger,
  });
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ tenant: config.tenant, host: agent.hostId, signal }, 'stopping the agent');
    void agent.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
} catch (error) {
  logger.fatal(
    {
      tenant: config.tenant,
      host: config.hostName ?? null,
      error: error instanceof Error ? error.message : String(error),
    },
    'the agent could not start',
  );
  process.exit(1);
}
