import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { servicesConfigFromEnv } from '@slipway/devenv';
import { cleanupRedis, uniquePrefix } from '@slipway/devenv/testing';
import { examplePayload, signWebhook, startFakeGitHub } from '@slipway/fakes';
import { createGitHubApp, WEBHOOK_PATH } from '@slipway/github-app';
import { createQueues } from '@slipway/queue';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createNodeMiddleware, Probot } from 'probot';
import type { Bench } from './bench.js';

const durationS = 10;
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
    duration: durationS,
    workers: 1,
    requests: [{ method: 'POST', body: signed.body, setupRequest }],
  });
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) throw new Error(`${label}: ${failures} of ${result.requests.total} requests failed`);
  console.error(
    `${label}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, ${result.requests.total} requests`,
  );
  return { rps: Math.round(result.requests.average), p99: result.latency.p99, total: result.requests.total };
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
 * Signed push webhooks for 10 s at the GitHub App (verify, dedupe, durable enqueue in Redis)
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
    const app = await createGitHubApp({ config, queues, redis, logger });

    const bare = new Probot({ ...config, secret: config.webhookSecret, log: logger });
    const bareMiddleware = await createNodeMiddleware((probot) => probot.on('push', async () => {}), {
      probot: bare,
    });
    const bareServer = createServer((req, res) => void bareMiddleware(req, res));
    try {
      const ours = await load(
        `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}${WEBHOOK_PATH}`,
        signed,
        'app',
      );
      const enqueued = await queues.webhookEvents.count();
      // Requests still in flight when the clock stops are enqueued but not counted: at most one per connection.
      if (enqueued < ours.total || enqueued > ours.total + connections)
        throw new Error(`app answered ${ours.total} requests with 200 but enqueued ${enqueued}`);
      const baseline = await load(
        `http://127.0.0.1:${await listen(bareServer)}${WEBHOOK_PATH}`,
        signed,
        'bare',
      );
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
