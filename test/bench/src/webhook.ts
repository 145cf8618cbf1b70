import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { servicesConfigFromEnv } from '@slipway/devenv';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { examplePayload, signWebhook, startFakeGitHub } from '@slipway/fakes';
import { createGitHubApp, WEBHOOK_PATH } from '@slipway/github-app';
import { createQueues, webhookInboxKey } from '@slipway/queue';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createNodeMiddleware, Probot } from 'probot';
import type { Bench } from './bench.js';

const durationS = 10;
// The two sides take turns in slices, so a noisy neighbour on the machine slows both alike.
const slices = 5;
const connections = 10;

const setupRequest = fileURLToPath(new URL('./webhook-setup-request.cjs', import.meta.url));

/**
 * Drive `url` with signed push webhooks, each with its own delivery id. The load runs in an
 * autocannon worker thread, so it does not share the event loop of the app under test.
 */
async function load(url: string, signed: { headers: Record<string, string>; body: string }, label: string) {
  process.env.SLIPWAY_BENCH_WEBHOOK_HEADERS = JSON.stringify(signed.headers); // read by the worker
  const result = await autocannon({
    url,
    connections,
    duration: durationS / slices,
    workers: 1,
    requests: [{ method: 'POST', body: signed.body, setupRequest }],
  });
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) throw new Error(`${label}: ${failures} of ${result.requests.total} requests failed`);
  return { total: result.requests.total, p99: result.latency.p99 };
}

/** One side's slices together: requests per second over its whole time, and its worst slice's p99. */
function summarize(label: string, runs: { total: number; p99: number }[]) {
  const total = runs.reduce((sum, run) => sum + run.total, 0);
  const rps = Math.round(total / durationS);
  const p99 = Math.max(...runs.map((run) => run.p99));
  console.error(`${label}: ${rps} req/s, p99 ${p99} ms, ${total} requests`);
  return { rps, p99, total };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    }),
  );
}

/**
 * Signed push webhooks for 10 s (in five alternating slices) at the GitHub App (verify, durable append to the webhook inbox in Redis)
 * and at a bare probot app with a no-op handler, in the same process and run.
 * Goal: ratio (rps / baseline_rps) ≥ 0.8 and p99_ms < 50.
 */
export const webhook: Bench = {
  name: 'webhook',
  description: `signed push webhooks for ${durationS}s at the GitHub App vs a bare probot app; goal ratio >= 0.8, p99_ms < 50`,
  async run() {
    const services = servicesConfigFromEnv(process.env, process.cwd());
    const fake = await startFakeGitHub(); // only for a real app id, key and webhook secret
    const { id, installationId } = fake.addRepo({ owner: 'acme', name: 'web' });
    const payload = examplePayload('push', {
      repository: { owner: 'acme', name: 'web', id },
      installationId: installationId!,
      sha: 'c'.repeat(40),
      ref: 'main',
    });
    const signed = signWebhook({ event: 'push', payload, secret: fake.webhookSecret });
    const config = {
      appId: String(fake.appId),
      privateKey: fake.privateKey,
      webhookSecret: fake.webhookSecret,
      baseUrl: fake.baseUrl,
    };
    const logger = pino({ level: 'warn' });
    const prefix = uniquePrefix('bench-webhook');
    const redis = new Redis(services.redisUrl, { enableOfflineQueue: false });
    await new Promise((resolve) => redis.once('ready', resolve));
    const queues = createQueues({ connection: redis, prefix });
    const app = await createGitHubApp({ config, queues, logger });

    const bare = new Probot({ ...config, secret: config.webhookSecret, log: logger });
    const bareMiddleware = await createNodeMiddleware((probot) => probot.on('push', async () => {}), {
      probot: bare,
    });
    const bareServer = createServer((req, res) => void bareMiddleware(req, res));
    try {
      const appUrl = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}${WEBHOOK_PATH}`;
      const bareUrl = `http://127.0.0.1:${await listen(bareServer)}${WEBHOOK_PATH}`;
      const appRuns = [];
      const bareRuns = [];
      for (let slice = 0; slice < slices; slice++) {
        appRuns.push(await load(appUrl, signed, 'app'));
        bareRuns.push(await load(bareUrl, signed, 'bare'));
      }
      const ours = summarize('app', appRuns);
      const baseline = summarize('bare', bareRuns);
      const enqueued = await redis.xlen(webhookInboxKey(prefix));
      // Requests in flight when a slice's clock stops are enqueued but not counted: at most one per connection.
      if (enqueued < ours.total || enqueued > ours.total + connections * slices)
        throw new Error(`app answered ${ours.total} requests with 200 but enqueued ${enqueued}`);
      return {
        bench: 'webhook',
        rps: ours.rps,
        p99_ms: ours.p99,
        baseline_rps: baseline.rps,
        baseline_p99_ms: baseline.p99,
        ratio: Math.round((ours.rps / baseline.rps) * 100) / 100,
        enqueued,
        goal_ratio: 0.8,
        goal_p99_ms: 50,
      };
    } finally {
      await app.close();
      await new Promise((resolve) => bareServer.close(resolve));
      await queues.close();
      await cleanupRedis(redis, prefix);
      redis.disconnect();
      await fake.close();
    }
  },
};
