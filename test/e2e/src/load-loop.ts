import { Agent, request } from 'node:http';

/** What a load loop saw: every answer (status and body) in order of arrival, and every failure. */
export interface LoadReport {
  sent: number;
  /** `200 <body>` per answered request, in the order answers arrived. */
  answers: string[];
  /** Connection errors and non-2xx answers, with what they were. */
  failures: string[];
  elapsedMs: number;
  /** Requests per second actually sent. */
  rate: number;
}

/**
 * Sends GET / to the edge at a steady `ratePerSecond` with `Host: hostname` over keep-alive
 * connections — a user's traffic during a deploy — until `stop()` is called.
 */
export function startLoadLoop(options: { port: number; hostname: string; ratePerSecond: number }): {
  stop(): Promise<LoadReport>;
} {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const answers: string[] = [];
  const failures: string[] = [];
  const pending = new Set<Promise<void>>();
  const started = performance.now();
  let sent = 0;
  const fire = () => {
    sent += 1;
    const done = new Promise<void>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: options.port, path: '/', headers: { host: options.hostname }, agent },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => {
            const line = `${res.statusCode} ${body.trim()}`;
            if (res.statusCode === 200) answers.push(line);
            else failures.push(line);
            resolve();
          });
          res.on('error', (error) => {
            failures.push(`response error ${error.message}`);
            resolve();
          });
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        failures.push(`request error ${error.code ?? error.message}`);
        resolve();
      });
      req.end();
    });
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };
  // Timers drift on a busy machine: each tick sends what the rate owes so far, not one request.
  const timer = setInterval(() => {
    const owed = Math.floor(((performance.now() - started) * options.ratePerSecond) / 1000) - sent;
    for (let i = 0; i < owed; i++) fire();
  }, 5);
  return {
    async stop() {
      clearInterval(timer);
      const elapsedMs = performance.now() - started;
      await Promise.all(pending);
      agent.destroy();
      return { sent, answers, failures, elapsedMs, rate: (sent * 1000) / elapsedMs };
    },
  };
}

/** The distinct answers in the order they first … last appeared, runs collapsed: `['200 v1', '200 v2']`. */
export function answerRuns(answers: readonly string[]): string[] {
  return answers.filter((answer, i) => i === 0 || answers[i - 1] !== answer);
}
