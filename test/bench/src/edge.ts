import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { startLocalEdge } from '@slipway/cloud';
import autocannon from 'autocannon';
import { pino } from 'pino';
import type { Bench } from './bench.js';

const durationS = 10;
// The two sides take turns in slices, so a noisy neighbour on the machine slows both alike.
const slices = 5;
const connections = 10;
const hostname = 'web.bench.localhost';

// The backend runs in its own process, as an allocation would, so the edge and the app do not
// share an event loop and the baseline is the app alone.
const backendScript = `
  const server = require('node:http').createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('hello from the app'));
  });
  server.keepAliveTimeout = 30000;
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startAppProcess(): Promise<{ child: ChildProcess; address: string }> {
  const child = spawn(process.execPath, ['-e', backendScript], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, address: `http://127.0.0.1:${chunk.toString().trim()}` };
}

async function load(url: string, label: string) {
  const result = await autocannon({
    url,
    connections,
    duration: durationS / slices,
    workers: 1,
    headers: { host: hostname },
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
  return { rps, p99 };
}

/**
 * GET requests for 10 s (in five alternating slices, 10 keep-alive connections) through the
 * local edge to an app in its own process, and straight to the same app, in the same run.
 * Goal: ratio (rps / baseline_rps) ≥ 0.5 and p99_ms < 20.
 */
export const edge: Bench = {
  name: 'edge',
  description: `GETs for ${durationS}s through the local edge vs straight to the app; goal ratio >= 0.5, p99_ms < 20`,
  async run() {
    const app = await startAppProcess();
    const local = await startLocalEdge({ port: 0, logger: pino({ level: 'silent' }) });
    try {
      await local.update([
        {
          tenant: 'bench',
          service: 'web',
          environment: 'production',
          hostnames: [hostname],
          backends: [{ id: 'web-0', address: app.address }],
        },
      ]);
      const throughEdge: { total: number; p99: number }[] = [];
      const direct: { total: number; p99: number }[] = [];
      for (let slice = 0; slice < slices; slice++) {
        throughEdge.push(await load(`http://127.0.0.1:${local.port}/`, 'edge'));
        direct.push(await load(`${app.address}/`, 'direct'));
      }
      const measured = summarize('through the edge', throughEdge);
      const baseline = summarize('straight to the app', direct);
      const stats = local.stats();
      if (stats.retries > 0 || Object.values(stats.failures).some((n) => n > 0))
        throw new Error(`the edge retried or failed: ${JSON.stringify(stats)}`);
      return {
        bench: 'edge',
        rps: measured.rps,
        p99_ms: measured.p99,
        baseline_rps: baseline.rps,
        baseline_p99_ms: baseline.p99,
        ratio: Math.round((measured.rps / baseline.rps) * 100) / 100,
        goal_ratio: 0.5,
        goal_p99_ms: 20,
      };
    } finally {
      await local.close();
      app.child.kill();
    }
  },
};
