import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  controllerConfigFromEnv,
  createBackends,
  createController,
  createDesiredRepository,
  writeDesired,
} from '@slipway/controller';
import { allServices, ensureServices, servicesConfigFromEnv } from '@slipway/devenv';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { createRepositories } from '@slipway/state';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { type Bench, percentile } from './bench.js';

const agents = 200;
const rounds = 3;
const pollEveryMs = 1000; // the baseline: agents that poll once a second instead of long-polling

interface Agent {
  host: string;
  token: string;
  etag: string;
  /** When this agent first saw each etag. */
  seen: Map<string, number>;
}

/**
 * 200 simulated agents long-poll one controller for their desired allocations; a leader-style
 * writer then writes every host's document (fenced, conditional) at once: how long from a
 * host's document being durable (the change published) to its agent having it. The time the
 * store took to write all 200 is reported beside it. Baseline in the same run: the same agents polling every
 * second. Goal: p99_ms < 1000.
 */
export const fanout: Bench = {
  name: 'fanout',
  description: `${agents} agents long-polling their desired allocations, ${rounds} rounds of writes; goal p99_ms < 1000`,
  async run() {
    const services = servicesConfigFromEnv(process.env, process.cwd());
    await ensureServices({ config: services, only: allServices.filter((s) => s === 'redis') });
    const prefix = uniquePrefix('bench-fanout');
    const dataDir = await mkdtemp(join(tmpdir(), 'slipway-bench-fanout-'));
    const config = controllerConfigFromEnv(
      {
        SLIPWAY_MODE: 'local',
        SLIPWAY_DATA_DIR: dataDir,
        SLIPWAY_API_PORT: '0',
        REDIS_URL: services.redisUrl,
        SLIPWAY_REDIS_PREFIX: prefix,
        SLIPWAY_RATE_LIMIT_PER_MINUTE: '1000000',
        LOG_LEVEL: 'silent',
      },
      dataDir,
    );
    const backends = createBackends(config);
    const controller = await createController({ config, backends, logger: pino({ level: 'silent' }) });
    const redis = new Redis(services.redisUrl);
    const repository = createDesiredRepository(backends.store);
    const fence = { family: `${prefix}-writer`, epoch: 1 };
    const tenant = 'bench';
    let stopped = false;
    try {
      await createRepositories(backends.store).tenants.create({
        id: tenant,
        name: 'Fan-out bench',
        members: [],
        githubInstallations: [],
        createdAt: new Date().toISOString(),
      });
      const url = await controller.app.listen({ host: '127.0.0.1', port: 0 });
      const { tokens } = controller.services;
      const fleet: Agent[] = await Promise.all(
        Array.from({ length: agents }, async (_, i) => {
          const host = `h-${i}`;
          const { token } = await tokens.createHostToken({ tenant, host });
          return { host, token, etag: '"none"', seen: new Map() };
        }),
      );
      const fetchDesired = async (agent: Agent, wait: number) => {
        const response = await fetch(`${url}/v1/tenants/${tenant}/hosts/${agent.host}/desired?wait=${wait}`, {
          headers: { authorization: `Bearer ${agent.token}`, 'if-none-match': agent.etag },
        });
        await response.arrayBuffer();
        const etag = response.headers.get('etag');
        if (response.status === 200 && etag && etag !== agent.etag) {
          agent.etag = etag;
          agent.seen.set(etag, performance.now());
        } else if (response.status !== 200 && response.status !== 304) {
          throw new Error(`agent ${agent.host}: the controller answered ${response.status}`);
        }
      };
      const etags = new Map<string, string>(); // host → current etag of its document
      let generation = 0;
      const writeAllMs: number[] = [];
      const writeAll = async (round: number) => {
        // Each round's documents differ from every earlier one, so each has a new etag.
        generation += 1;
        const allocation = {
          allocation: `web-0-${generation}`,
          tenant,
          service: 'web',
          environment: 'production',
          release: `r-${generation}`,
          slot: 0,
        };
        const written = new Map<string, { at: number; etag: string }>();
        const started = performance.now();
        await Promise.all(
          fleet.map(async (agent) => {
            // The clock starts when the document is durable, i.e. when writeDesired publishes the
            // change: what is measured is the fan-out, not the state store's write.
            let at = Number.NaN;
            const publisher = new Proxy(redis, {
              get(target, property, receiver) {
                if (property !== 'publish') return Reflect.get(target, property, receiver);
                return (...args: Parameters<Redis['publish']>) => {
                  at = performance.now();
                  return target.publish(...args);
                };
              },
            });
            const { etag } = await writeDesired({
              repository,
              redis: publisher,
              prefix,
              fence,
              expectedEtag: etags.get(agent.host) ?? null,
              document: { tenant, host: agent.host, allocations: [allocation] },
            });
            etags.set(agent.host, etag);
            written.set(agent.host, { at, etag: `"${etag}"` });
          }),
        );
        const took = performance.now() - started;
        if (round > 0) writeAllMs.push(took);
        console.error(`round ${round}: ${fleet.length} documents written in ${Math.round(took)} ms`);
        return written;
      };
      const measure = async (mode: 'long-poll' | 'poll') => {
        const loops = fleet.map(async (agent) => {
          while (!stopped) {
            if (mode === 'long-poll') await fetchDesired(agent, 30);
            else {
              await fetchDesired(agent, 0);
              await new Promise((resolve) => setTimeout(resolve, pollEveryMs));
            }
          }
        });
        const latencies: number[] = [];
        for (let round = 1; round <= rounds; round++) {
          // Let every agent settle into its wait (or its polling rhythm) before writing.
          await new Promise((resolve) => setTimeout(resolve, mode === 'poll' ? pollEveryMs * 1.5 : 500));
          const written = await writeAll(round);
          const deadline = performance.now() + 10_000;
          while (fleet.some((a) => !a.seen.has(written.get(a.host)!.etag)) && performance.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          for (const agent of fleet) {
            const { at, etag } = written.get(agent.host)!;
            const seenAt = agent.seen.get(etag);
            if (seenAt === undefined)
              throw new Error(`${mode}: agent ${agent.host} never saw round ${round}`);
            latencies.push(seenAt - at);
          }
        }
        stopped = true;
        // Wake the long-polls so the loops end.
        await writeAll(0);
        await Promise.all(loops);
        stopped = false;
        return latencies;
      };
      const longPoll = await measure('long-poll');
      const polling = await measure('poll');
      return {
        bench: 'fanout',
        agents,
        rounds,
        p99_ms: Math.round(percentile(longPoll, 99)),
        p50_ms: Math.round(percentile(longPoll, 50)),
        baseline_poll_1s_p99_ms: Math.round(percentile(polling, 99)),
        // The state store's side, not part of p99_ms: writing all 200 documents at once.
        write_all_max_ms: Math.round(Math.max(...writeAllMs)),
        goal_p99_ms: 1000,
      };
    } finally {
      stopped = true;
      await controller.stop();
      await backends.close();
      await cleanupRedis(redis, prefix);
      redis.disconnect();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
