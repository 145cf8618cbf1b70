import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { allServices, ensureServices, servicesConfigFromEnv } from '@slipway/devenv';
import { startPushPlatform, WEB_SERVICE_YAML } from '@slipway/e2e';
import { type Bench, percentile } from './bench.js';

const run = promisify(execFile);
const rounds = 5;

const files = {
  'slipway.yaml': WEB_SERVICE_YAML,
  Dockerfile:
    'FROM slipway/busybox:local\nCOPY index.html /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n',
  'index.html': '<h1>round 0</h1>\n',
};

/**
 * Push → Release through Slipway (signed webhook, intake, queue, tarball, build, push, Release)
 * against `docker build` + `docker push` of the same commit's files with the docker CLI, 5 rounds
 * each, a new commit per round. Slipway goes first in each round; the raw build uses --no-cache
 * so it cannot reuse the layers Slipway just made (nothing else is cacheable: every round
 * changes the copied file). Goal: overhead_ms (median difference) ≤ 1500.
 */
export const build: Bench = {
  name: 'build',
  description: `signed push webhook → Release vs raw docker build + push, ${rounds} rounds; goal overhead_ms <= 1500`,
  async run() {
    const services = servicesConfigFromEnv(process.env, process.cwd());
    await ensureServices({ config: services, only: allServices.filter((s) => s !== 'moto') });
    const platform = await startPushPlatform({ files });
    const workdir = await mkdtemp(join(tmpdir(), 'slipway-bench-build-'));
    const rawRepository = `${services.registryAddress}/${platform.tenant}-raw/web`;
    const ours: number[] = [];
    const raw: number[] = [];
    try {
      for (let round = 1; round <= rounds; round++) {
        const sha = await platform.repo.commit({ 'index.html': `<h1>round ${round}</h1>\n` });

        const started = performance.now();
        const answer = await platform.sendPush(sha);
        if (answer.status !== 200) throw new Error(`the GitHub App answered ${answer.status}`);
        await platform.waitForRelease('web', sha, { timeoutMs: 120_000 });
        ours.push(performance.now() - started);

        const context = join(workdir, sha);
        await run('git', ['-C', platform.repo.dir, 'worktree', 'add', '--detach', context, sha]);
        const rawStarted = performance.now();
        await run(
          'docker',
          [
            'build',
            '--no-cache',
            '--label',
            `io.slipway.tenant=${platform.tenant}`,
            '-t',
            `${rawRepository}:${sha}`,
            context,
          ],
          {
            env: { ...process.env, DOCKER_BUILDKIT: '0' },
          },
        );
        await run('docker', ['push', '--quiet', `${rawRepository}:${sha}`]);
        raw.push(performance.now() - rawStarted);
        console.error(
          `round ${round}: slipway ${Math.round(ours.at(-1)!)} ms, raw ${Math.round(raw.at(-1)!)} ms`,
        );
      }
    } finally {
      await platform.registry
        .deleteRepository({ tenant: `${platform.tenant}-raw`, service: 'web' })
        .catch(() => {});
      await platform.close();
      await rm(workdir, { recursive: true, force: true });
    }
    const median = Math.round(percentile(ours, 50));
    const baseline = Math.round(percentile(raw, 50));
    return {
      bench: 'build',
      median_ms: median,
      baseline_median_ms: baseline,
      overhead_ms: median - baseline,
      rounds,
      goal_overhead_ms: 1500,
    };
  },
};
