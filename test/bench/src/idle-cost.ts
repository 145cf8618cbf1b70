import { setTimeout as sleep } from 'node:timers/promises';
import { createAwsState } from '@slipway/controller/testing';
import { allServices, ensureServices, servicesConfigFromEnv } from '@slipway/devenv';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { bootstrapAdmin, TokenService, UserDirectory } from '@slipway/identity';
import { S3StateStore } from '@slipway/state';
import { Redis } from 'ioredis';
import { type Bench, percentile } from './bench.js';
import {
  type CountedController,
  startCountedControllers,
  stopControllers,
  waitForLeader,
} from './idle-cost/counted-controllers.js';
import { type Fleet, setUpFleet } from './idle-cost/fleet.js';
import { RequestCounter } from './idle-cost/request-counter.js';
import { emptyAgentStats, type SimulatedAgent } from './idle-cost/simulated-agent.js';
import { formatRows, summarise, type WindowSummary } from './idle-cost/summary.js';

/** A whole number from the environment, or the default; anything else is an error naming the variable. */
function option(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number ≥ 1, got '${raw}'`);
  return value;
}

const controllerCount = 3;
const tenantCount = 10;
const replicas = 2;
const goalUsdPerMonth = 10; // DESIGN.md §4 rule 8
const log = (line: string) => console.error(`idle-cost: ${line}`);

/** Waits until `done()` holds, logging `progress()` every 10 s; false after `timeoutMs`. */
async function until(done: () => boolean, progress: () => string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let nextLog = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) return false;
    if (Date.now() > nextLog) {
      log(progress());
      nextLog = Date.now() + 10_000;
    }
    await sleep(250);
  }
  return true;
}

/** The figures of one window for the JSON line, under `prefix`. */
function figures(summary: WindowSummary, prefix: string): Record<string, number> {
  const usd = (value: number) => Math.round(value * 100) / 100;
  return {
    [`${prefix}s3_requests_per_hour`]: summary.s3PerHour,
    [`${prefix}dynamodb_requests_per_hour`]: summary.dynamodbPerHour,
    [`${prefix}usd_per_month`]: usd(summary.usdPerMonth),
    [`${prefix}s3_usd_per_month`]: usd(summary.s3UsdPerMonth),
    [`${prefix}dynamodb_usd_per_month`]: usd(summary.dynamodbUsdPerMonth),
    ...Object.fromEntries(
      Object.entries(summary.byOperation).map(([operation, n]) => [`${prefix}${operation}_per_hour`, n]),
    ),
  };
}

/**
 * What an idle platform costs in S3 and DynamoDB requests (DESIGN.md §4 rule 8). Three controller
 * replicas in AWS mode run in this process against moto (state in S3, lease in DynamoDB), each
 * with its own SDK clients whose every request is counted at the middleware level with the
 * caller that sent it. Baseline: the same three replicas with nothing deployed (the lease and
 * the leader's loops alone), measured first. Then 1,000 simulated agents join 10 tenants (the
 * controller calls of a real idle agent: heartbeats, desired-state long-polls), 200 image
 * services with 2 replicas each are created through the API and placed, the platform settles
 * (no S3 write for 10 s), and it idles for 60 s. Requests per hour are priced at list prices and
 * scaled to a month (730 h). Goal: usd_per_month ≤ 10.
 *
 * Options (environment): SLIPWAY_BENCH_IDLE_SECONDS (60), SLIPWAY_BENCH_IDLE_BASELINE_SECONDS (30),
 * SLIPWAY_BENCH_IDLE_HOSTS (1000), SLIPWAY_BENCH_IDLE_SERVICES (200); hosts and services are
 * split evenly over 10 tenants.
 */
export const idleCost: Bench = {
  name: 'idle-cost',
  description: `S3 + DynamoDB requests of ${controllerCount} AWS-mode controllers (moto) with 1,000 idle agents and 200 services, priced per month; goal usd_per_month <= ${goalUsdPerMonth}`,
  async run() {
    const idleSeconds = option('SLIPWAY_BENCH_IDLE_SECONDS', 60);
    const baselineSeconds = option('SLIPWAY_BENCH_IDLE_BASELINE_SECONDS', 30);
    const hosts = option('SLIPWAY_BENCH_IDLE_HOSTS', 1000);
    const serviceCount = option('SLIPWAY_BENCH_IDLE_SERVICES', 200);
    if (hosts % tenantCount !== 0 || serviceCount % tenantCount !== 0)
      throw new Error(`hosts and services must split evenly over ${tenantCount} tenants`);
    const shape = {
      tenants: tenantCount,
      hostsPerTenant: hosts / tenantCount,
      servicesPerTenant: serviceCount / tenantCount,
      replicas,
    };

    const config = servicesConfigFromEnv(process.env, process.cwd());
    await ensureServices({ config, only: allServices.filter((s) => s === 'moto' || s === 'redis') });
    const prefix = uniquePrefix('idle');
    const names = {
      endpoint: config.awsEndpoint,
      region: 'us-east-1',
      bucket: `${prefix}-state`,
      table: `${prefix}-lease`,
    };
    const dropAwsState = await createAwsState(names);
    // The bench's own requests (the admin's bootstrap) go through this uncounted store.
    const store = new S3StateStore({
      region: names.region,
      endpoint: names.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      bucket: names.bucket,
    });
    const counter = new RequestCounter();
    const stats = emptyAgentStats();
    let controllers: CountedController[] = [];
    let fleet: Fleet | undefined;
    const agents: SimulatedAgent[] = [];
    try {
      const users = new UserDirectory({ store });
      const admin = await bootstrapAdmin({ users, tokens: new TokenService({ store, users }) });
      if (!admin) throw new Error('the fresh bucket already had an admin');

      controllers = await startCountedControllers({
        count: controllerCount,
        names,
        redisUrl: config.redisUrl,
        redisPrefix: prefix,
        counter,
      });
      const leader = await waitForLeader(controllers, 15_000);
      log(
        `${controllers.length} controllers up, ${leader.id} leads; baseline: ${baselineSeconds} s with nothing deployed`,
      );
      await sleep(2000); // the new term's first writes (leader record, fence) are not idle
      let start = performance.now();
      await sleep(baselineSeconds * 1000);
      const baseline = summarise(counter.between(start, performance.now()), baselineSeconds, prefix);
      log(`baseline: $${baseline.usdPerMonth.toFixed(2)}/month\n${formatRows(baseline.rows, 10)}`);

      log(`setting up ${hosts} agents in ${tenantCount} tenants and ${serviceCount} services`);
      const setUpStarted = performance.now();
      fleet = await setUpFleet({
        shape,
        prefix,
        urls: controllers.map((c) => c.url),
        adminToken: admin.token,
        stats,
        agents,
        log,
      });
      const placedAllocations = () => agents.reduce((sum, agent) => sum + agent.allocations, 0);
      const placed = await until(
        () => placedAllocations() === fleet!.expectedAllocations,
        () => `placed ${placedAllocations()} of ${fleet!.expectedAllocations} allocations`,
        300_000,
      );
      if (!placed)
        throw new Error(
          `only ${placedAllocations()} of ${fleet.expectedAllocations} allocations reached the agents in 5 min${stats.firstError ? `; first agent error: ${stats.firstError}` : ''}`,
        );
      log(`all ${fleet.expectedAllocations} allocations placed; waiting for 10 s without an S3 write`);
      const isWrite = (r: { service: string; operation: string }) =>
        r.service === 's3' && r.operation !== 'GetObject' && r.operation !== 'ListObjectsV2';
      const settled = await until(
        () => performance.now() - (counter.lastAt(isWrite) ?? 0) > 10_000,
        () => 'still writing to S3',
        120_000,
      );
      const setUpSeconds = Math.round((performance.now() - setUpStarted) / 1000);

      log(
        `idle for ${idleSeconds} s${settled ? '' : ' (it never stopped writing to S3: the writes are counted)'}`,
      );
      const callsBefore = { ...stats.calls };
      const heartbeatsBefore = stats.heartbeatMs.length;
      start = performance.now();
      await sleep(idleSeconds * 1000);
      const idle = summarise(counter.between(start, performance.now()), idleSeconds, prefix);
      const callsDuring = (name: string) => (stats.calls[name] ?? 0) - (callsBefore[name] ?? 0);
      const perHostPerMinute = (name: string) =>
        Math.round((callsDuring(name) / hosts / (idleSeconds / 60)) * 100) / 100;
      const heartbeatMs = stats.heartbeatMs.slice(heartbeatsBefore);
      log(
        `idle: $${idle.usdPerMonth.toFixed(2)}/month; by caller, operation and key:\n${formatRows(idle.rows)}`,
      );
      const byController = Object.fromEntries(
        controllers.map((c) => [
          `requests_per_hour_${c.id === leader.id ? 'leader' : c.id.slice(prefix.length + 1)}`,
          Math.round(
            (counter.between(start, start + idleSeconds * 1000).filter((r) => r.client === c.id).length /
              idleSeconds) *
              3600,
          ),
        ]),
      );
      const failures = Object.values(stats.failures).reduce((sum, n) => sum + n, 0);
      if (failures > 0) log(`${failures} agent calls failed; the first: ${stats.firstError}`);

      return {
        bench: 'idle-cost',
        hosts,
        ...figures(idle, ''),
        services: serviceCount,
        allocations: fleet.expectedAllocations,
        tenants: tenantCount,
        controllers: controllerCount,
        idle_seconds: idleSeconds,
        settled_before_idle: settled,
        set_up_seconds: setUpSeconds,
        top_cost_1: describeRow(idle, 0),
        top_cost_2: describeRow(idle, 1),
        top_cost_3: describeRow(idle, 2),
        ...byController,
        ...Object.fromEntries(
          Object.entries(idle.byLoop).map(([loop, usd]) => [
            `usd_per_month_${loop}`,
            Math.round(usd * 100) / 100,
          ]),
        ),
        api_usd_per_month_per_host: Math.round(((idle.byLoop.api ?? 0) / hosts) * 1000) / 1000,
        agent_heartbeats_per_host_per_minute: perHostPerMinute('heartbeat'),
        agent_heartbeats_per_host_per_minute_nominal: 18, // every 5 s, plus after each 10 s reconcile
        agent_desired_polls_per_host_per_minute_nominal: 2.4, // one 25 s long-poll after another
        agent_desired_polls_per_host_per_minute: perHostPerMinute('desired'),
        agent_heartbeat_ms_p50: Math.round(percentile(heartbeatMs, 50)),
        agent_heartbeat_ms_p99: Math.round(percentile(heartbeatMs, 99)),
        agent_failed_calls: failures,
        baseline_seconds: baselineSeconds,
        ...figures(baseline, 'baseline_'),
        goal_usd_per_month: goalUsdPerMonth,
      };
    } finally {
      log('stopping agents and controllers; deleting the bucket, table and Redis keys');
      await Promise.allSettled(agents.map((agent) => agent.close()));
      await stopControllers(controllers).catch((error: unknown) => log(String(error)));
      const redis = new Redis(config.redisUrl);
      await cleanupRedis(redis, prefix);
      redis.disconnect();
      await store.close();
      await dropAwsState();
    }
  },
};

function describeRow(summary: WindowSummary, index: number): string {
  const row = summary.rows[index];
  if (!row) return '';
  return `$${row.usdPerMonth.toFixed(2)}/mo ${row.perHour}/h ${row.operation} ${row.target} by ${row.caller}`;
}
