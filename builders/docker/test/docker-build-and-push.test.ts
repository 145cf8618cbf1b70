import { createServer } from 'node:net';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testLabel, uniquePrefix } from '@slipway/devenv/testing';
import { createGitRepo, type GitFile, type GitRepo } from '@slipway/fakes';
import Docker from 'dockerode';
import {
  BuildCancelledError,
  BuildFailedError,
  type BuildInput,
  buildContextFromTarball,
  planBuild,
  pushImage,
  RegistryUnavailableError,
  runDockerBuild,
  UnsafeTarballError,
  withRegistryRetry,
} from '../src/index.js';
import { cleanupTestImages } from './support/cleanup-test-images.js';
import { craftTarGz } from './support/tar-helpers.js';

const REGISTRY = '127.0.0.1:5000';
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const prefix = uniquePrefix();
const repos: GitRepo[] = [];
let builds = 0;

async function tarballOf(files: Record<string, GitFile>): Promise<{ tarGz: Buffer; sha: string }> {
  const repo = await createGitRepo({ files });
  repos.push(repo);
  return { tarGz: await repo.archive(repo.sha, `acme-web-${repo.sha.slice(0, 7)}`), sha: repo.sha };
}

function plan(sha: string, extra: Partial<BuildInput> = {}) {
  builds += 1;
  return planBuild({
    buildId: `b${builds}`,
    tenant: prefix,
    service: 'web',
    sha,
    registry: REGISTRY,
    extraLabels: { [testLabel]: prefix },
    ...extra,
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const site = {
  Dockerfile:
    'FROM slipway/busybox:local\nRUN mkdir -p /www\nCOPY index.html /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n',
  'index.html': '<h1>hello from slipway</h1>\n',
};
let site1: { tarGz: Buffer; sha: string };

beforeAll(async () => {
  site1 = await tarballOf(site);
});

afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.remove()));
  await cleanupTestImages(docker, prefix);
});

describe('tarball → context → build → push → digest (real engine and registry)', () => {
  it('builds, pushes, and the image pulled back by digest serves the committed index.html', async () => {
    const buildPlan = plan(site1.sha);
    const lines: string[] = [];
    const built = await runDockerBuild({
      docker,
      plan: buildPlan,
      context: buildContextFromTarball(site1.tarGz, {
        contextPath: buildPlan.contextPath,
        labels: { dockerfile: buildPlan.dockerfile, values: buildPlan.labels },
      }),
      labelsInContext: true,
      onLog: (line) => lines.push(line),
    });
    expect(built.imageId).toMatch(/^sha256:[a-f0-9]{64}$/);
    // Every label in one LABEL step appended to the Dockerfile (one step per label otherwise).
    const steps = lines.filter((line) => /^Step \d+\/\d+ : /.test(line));
    expect(steps[0]).toMatch(/^Step 1\/\d+ : FROM slipway\/busybox:local$/);
    expect(steps.filter((line) => / : LABEL /.test(line))).toHaveLength(1);
    const inspected = await docker.getImage(buildPlan.tag).inspect();
    expect(inspected.Config.Labels).toMatchObject({
      'io.slipway.tenant': prefix,
      'io.slipway.service': 'web',
      'io.slipway.commit': site1.sha,
      'io.slipway.build': buildPlan.labels['io.slipway.build'],
    });

    const pushLog: string[] = [];
    const { digest } = await pushImage({
      docker,
      tag: buildPlan.tag,
      authconfig: { serveraddress: REGISTRY },
      onLog: (line) => pushLog.push(line),
    });
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(pushLog.some((line) => line.includes(`digest: ${digest}`))).toBe(true);

    // The registry itself serves the manifest under that digest.
    const manifest = await fetch(`http://${REGISTRY}/v2/${prefix}/web/manifests/${digest}`, {
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(digest);

    const byDigest = `${buildPlan.repository}@${digest}`;
    const pull = (await docker.pull(byDigest)) as Readable;
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(pull, (error) => (error ? reject(error) : resolve(null))),
    );
    const container = await docker.createContainer({
      Image: byDigest,
      Cmd: ['cat', '/www/index.html'],
      Tty: true,
      Labels: { [testLabel]: prefix },
    });
    await container.start();
    await container.wait();
    const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    expect(output.replace(/\r/g, '')).toBe('<h1>hello from slipway</h1>\n');
  });

  it('a second build of the same context with cache-from the previous image reports cache hits', async () => {
    const first = plan(site1.sha);
    await runDockerBuild({
      docker,
      plan: first,
      context: buildContextFromTarball(site1.tarGz, { contextPath: '.' }),
    });
    const second = plan(site1.sha, { previousImage: first.tag });
    expect(second.cacheFrom).toEqual([first.tag]);
    const lines: string[] = [];
    const rebuilt = await runDockerBuild({
      docker,
      plan: second,
      context: buildContextFromTarball(site1.tarGz, { contextPath: '.' }),
      onLog: (line) => lines.push(line),
    });
    expect(rebuilt.cacheHits).toBeGreaterThanOrEqual(2);
    expect(rebuilt.cacheHits).toBe(lines.filter((line) => line === ' ---> Using cache').length);
    expect(rebuilt.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('builds a monorepo service from its context folder only', async () => {
    const mono = await tarballOf({
      'README.md': 'root\n',
      'services/api/Dockerfile': 'FROM slipway/busybox:local\nCOPY . /app\nRUN ls -R /app\n',
      'services/api/api.txt': 'api\n',
      'services/web/web.txt': 'web\n',
    });
    const buildPlan = plan(mono.sha, { context: 'services/api', dockerfile: 'services/api/Dockerfile' });
    expect(buildPlan.dockerfile).toBe('Dockerfile');
    const lines: string[] = [];
    await runDockerBuild({
      docker,
      plan: buildPlan,
      context: buildContextFromTarball(mono.tarGz, { contextPath: buildPlan.contextPath }),
      onLog: (line) => lines.push(line),
    });
    const listing = lines.join('\n');
    expect(listing).toContain('api.txt');
    expect(listing).toContain('Dockerfile');
    expect(listing).not.toContain('web.txt');
    expect(listing).not.toContain('README.md');
  });

  it('a failing RUN gives BuildFailedError naming the step and carrying Docker’s message', async () => {
    const broken = await tarballOf({
      Dockerfile: `FROM slipway/busybox:local\nRUN echo before-${prefix}\nRUN false\n`,
    });
    const buildPlan = plan(broken.sha);
    const lines: string[] = [];
    const attempt = runDockerBuild({
      docker,
      plan: buildPlan,
      context: buildContextFromTarball(broken.tarGz, { contextPath: '.' }),
      onLog: (line) => lines.push(line),
    });
    await expect(attempt).rejects.toThrow(BuildFailedError);
    const error = (await attempt.catch((caught: unknown) => caught)) as BuildFailedError;
    expect(error.code).toBe('BUILD_FAILED');
    expect(error.step).toMatch(/^Step 3\/\d+ : RUN false$/);
    expect(error.message).toContain(`at "${error.step}"`);
    expect(error.dockerMessage).toMatch(/returned a non-zero code: 1/);
    expect(lines).toContain(`before-${prefix}`);
    // The failed build leaves its unlabelled step-2 layer behind; remove it (never the FROM image).
    const afterStep2 = lines.slice(lines.findIndex((line) => /^Step 2\//.test(line)));
    for (const line of afterStep2) {
      const layer = / ---> ([0-9a-f]{12})$/.exec(line)?.[1];
      if (layer) await docker.getImage(layer).remove();
    }
  });

  it('a tarball with ../evil is refused before Docker builds anything', async () => {
    const evil = await craftTarGz([
      {
        header: { name: 'acme-web-1234567/Dockerfile', type: 'file' },
        content: 'FROM slipway/busybox:local\n',
      },
      { header: { name: 'acme-web-1234567/../evil', type: 'file' }, content: 'x' },
    ]);
    const buildPlan = plan('c'.repeat(40));
    await expect(
      runDockerBuild({
        docker,
        plan: buildPlan,
        context: buildContextFromTarball(evil, { contextPath: '.' }),
      }),
    ).rejects.toThrow(UnsafeTarballError);
    await expect(docker.getImage(buildPlan.tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('cancels a running build through the AbortSignal', async () => {
    const slow = await tarballOf({ Dockerfile: 'FROM slipway/busybox:local\nRUN sleep 30\n' });
    const controller = new AbortController();
    const started = Date.now();
    const attempt = runDockerBuild({
      docker,
      plan: plan(slow.sha),
      context: buildContextFromTarball(slow.tarGz, { contextPath: '.' }),
      signal: controller.signal,
      onLog: (line) => {
        if (/^Step 2\/\d+ : RUN sleep 30$/.test(line)) setTimeout(() => controller.abort(), 200);
      },
    });
    await expect(attempt).rejects.toThrow(BuildCancelledError);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a push to a closed port gives RegistryUnavailableError, retried with backoff by withRegistryRetry', async () => {
    const port = await closedPort();
    const buildPlan = plan(site1.sha);
    await runDockerBuild({
      docker,
      plan: buildPlan,
      context: buildContextFromTarball(site1.tarGz, { contextPath: '.' }),
    });
    const unreachable = `127.0.0.1:${port}/${prefix}/web`;
    await docker.getImage(buildPlan.tag).tag({ repo: unreachable, tag: 'x' });
    const push = () =>
      pushImage({ docker, tag: `${unreachable}:x`, authconfig: { serveraddress: `127.0.0.1:${port}` } });
    await expect(push()).rejects.toThrow(RegistryUnavailableError);

    const retries: number[] = [];
    const retried = withRegistryRetry(push, {
      retries: 2,
      minTimeoutMs: 10,
      maxTimeoutMs: 20,
      onRetry: (_error, attempt) => retries.push(attempt),
    });
    await expect(retried).rejects.toThrow(/unreachable .*connection refused/);
    expect(retries).toEqual([1, 2]);
  });
});
