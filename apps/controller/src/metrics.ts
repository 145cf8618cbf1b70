import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** The controller's Prometheus metrics, on a registry of its own (no global singleton). */
export function createControllerMetrics(controllerId: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ controller: controllerId });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    leading: new Gauge({
      name: 'slipway_controller_leading',
      help: '1 while this controller holds the leader lease, else 0',
      registers: [registry],
    }),
    epoch: new Gauge({
      name: 'slipway_controller_leader_epoch',
      help: 'Fencing epoch of the current or last leadership term of this controller',
      registers: [registry],
    }),
    elections: new Counter({
      name: 'slipway_controller_elections_total',
      help: 'Leadership terms this controller has started',
      registers: [registry],
    }),
    depositions: new Counter({
      name: 'slipway_controller_depositions_total',
      help: 'Leadership terms this controller has ended, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    loopFailures: new Counter({
      name: 'slipway_controller_loop_failures_total',
      help: 'Leader loop runs that ended with an error, by loop and error name',
      labelNames: ['loop', 'error'] as const,
      registers: [registry],
    }),
  };
}

export type ControllerMetrics = ReturnType<typeof createControllerMetrics>;
