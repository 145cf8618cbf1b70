import { awsControllerEnv, ControllerCluster, createAwsState } from '@slipway/controller/testing';
import { allServices, ensureServices, servicesConfigFromEnv } from '@slipway/devenv';
import { uniquePrefix } from '@slipway/devenv/testing';
import { type Bench, percentile } from './bench.js';

const rounds = 10;
const ttlMs = 4000; // the controller's default lease ttl
const k8sDefaultMs = 15_000; // Kubernetes leader election: 15 s lease duration

/**
 * kill -9 of the leader of 3 controller processes (S3 + DynamoDB in moto), 10 times: how long
 * until another replica leads. Goal: failover_ms_max ≤ ttl_ms + 1000.
 */
export const failover: Bench = {
  name: 'failover',
  description: `kill -9 the leader of 3 controllers ${rounds} times; goal failover_ms_max <= ttl_ms + 1000`,
  async run() {
    const services = servicesConfigFromEnv(process.env, process.cwd());
    await ensureServices({ config: services, only: allServices.filter((s) => s === 'moto') });
    const prefix = uniquePrefix('bench-failover');
    const names = {
      endpoint: services.awsEndpoint,
      region: 'us-east-1',
      bucket: `${prefix}-state`,
      table: `${prefix}-lease`,
    };
    const dropAwsState = await createAwsState(names);
    const cluster = new ControllerCluster({
      name: prefix,
      env: awsControllerEnv(names, { SLIPWAY_LEASE_TTL_MS: String(ttlMs), LOG_LEVEL: 'warn' }),
    });
    const failovers: number[] = [];
    try {
      await cluster.add(3);
      for (let round = 1; round <= rounds; round++) {
        const { leader } = await cluster.waitForLeader({ timeoutMs: 3 * ttlMs });
        const others = cluster.live().filter((r) => r !== leader);
        leader.signal('SIGKILL');
        await leader.exited;
        const { elapsedMs } = await cluster.waitForLeader({
          among: others,
          timeoutMs: 3 * ttlMs,
          everyMs: 10,
        });
        failovers.push(Math.round(elapsedMs));
        console.error(`round ${round}: failover ${Math.round(elapsedMs)} ms`);
        await cluster.add(1); // back to 3 replicas
      }
    } finally {
      await cluster.stop();
      await dropAwsState();
    }
    return {
      bench: 'failover',
      ttl_ms: ttlMs,
      rounds,
      failover_ms_p50: percentile(failovers, 50),
      failover_ms_max: Math.max(...failovers),
      k8s_default_ms: k8sDefaultMs,
      goal_ms: ttlMs + 1000,
    };
  },
};
