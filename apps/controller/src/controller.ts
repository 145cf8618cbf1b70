import { LeaderElector } from '@slipway/lease';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Backends } from './backends.js';
import type { ControllerConfig } from './config.js';
import type { LeaderLoop } from './leadership/leader-loop.js';
import { LeaderLoops } from './leadership/leader-loops.js';
import { leaderRecordLoop } from './leadership/leader-record.js';
import { createControllerMetrics } from './metrics.js';
import { createServer } from './server.js';

export interface Controller {
  app: FastifyInstance;
  elector: LeaderElector;
  /** Starts competing for leadership (the API answers as soon as `app.listen` is called). */
  start(): void;
  /** Releases the lease (so another replica takes over at once), stops the loops, closes the API. Idempotent. */
  stop(): Promise<void>;
}

export interface ControllerOptions {
  config: ControllerConfig;
  backends: Backends;
  logger: Logger;
  /** Leader-only loops; the leader record always runs first. */
  loops?: readonly LeaderLoop[];
}

/** Wires one controller replica: API on every replica, leader loops only while it holds the lease. */
export function createController(options: ControllerOptions): Controller {
  const { config, backends, logger } = options;
  const metrics = createControllerMetrics(config.controllerId);
  const elector = new LeaderElector({
    backend: backends.lease,
    name: config.leaseName,
    owner: config.controllerId,
    ttlMs: config.leaseTtlMs,
    logger: logger.child({ component: 'lease' }),
  });
  elector.onElected(({ token }) => {
    metrics.leading.set(1);
    metrics.epoch.set(token.epoch);
    metrics.elections.inc();
  });
  // The elector itself logs elections and depositions with their reasons.
  elector.onDeposed((reason) => {
    metrics.leading.set(0);
    metrics.depositions.inc({ reason: reason.code });
  });
  const loops = new LeaderLoops({
    loops: [leaderRecordLoop(), ...(options.loops ?? [])],
    store: backends.store,
    fenceFamily: config.leaseName,
    logger,
    metrics,
  });
  loops.attach(elector);
  const app = createServer({
    controllerId: config.controllerId,
    elector,
    lease: backends.lease,
    leaseName: config.leaseName,
    store: backends.store,
    metrics,
    logger,
  });

  let stopping: Promise<void> | undefined;
  return {
    app,
    elector,
    start: () => elector.start(),
    stop: () => {
      stopping ??= (async () => {
        await elector.stop();
        await loops.settled();
        await app.close();
        await backends.close();
      })();
      return stopping;
    },
  };
}
