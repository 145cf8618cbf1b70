import { buildContextFromTarball } from '../build-context-from-tarball.js';
import { type BuildPlan, planBuild } from '../plan-build.js';
import { pushImage } from '../push-image.js';
import { runDockerBuild } from '../run-docker-build.js';
import { withRegistryRetry } from '../with-registry-retry.js';
import type { BuildJobDeps } from './build-job-deps.js';
import type { BuildRun } from './build-run.js';
import { splitRepositoryUri } from './repository-uri.js';

export interface BuiltImage {
  plan: BuildPlan;
  digest: string;
  cacheHits: number;
  steps: number;
}

export interface BuildAndPushOptions {
  /** Stops the download, the build and the push (supersede, or the worker's own signal). */
  signal: AbortSignal;
  /** Asked just before the push; throws to stop there (a newer push superseded the build). */
  beforePush: () => Promise<void>;
}

/**
 * The Docker half of a build: ensure the repository → plan → download the source → build (every
 * line to the run's log) → push with retries while the registry is unreachable → the digest.
 */
export async function buildAndPush(
  run: BuildRun,
  deps: BuildJobDeps,
  options: BuildAndPushOptions,
): Promise<BuiltImage> {
  const { job, log } = run;
  const { signal } = options;
  const repository = await deps.registry.ensureRepository({ tenant: job.tenant, service: job.service });
  const { registry, repositoryPrefix } = splitRepositoryUri(repository.repositoryUri, job);
  const plan = planBuild({
    buildId: run.buildId,
    tenant: job.tenant,
    service: job.service,
    sha: job.commit,
    registry,
    ...(repositoryPrefix ? { repositoryPrefix } : {}),
    dockerfile: job.build.dockerfile,
    context: job.build.context,
    args: job.build.args,
    extraLabels: deps.extraLabels ?? {},
  });
  log.write(`Building ${job.service} at ${job.commit} as ${plan.tag}`);
  const source = await deps.sourceFor(job, signal);
  const built = await runDockerBuild({
    docker: deps.docker,
    plan,
    context: buildContextFromTarball(source, { contextPath: plan.contextPath }),
    onLog: (line) => log.write(line),
    signal,
  });
  await options.beforePush();
  // expiresAt is for the cache, not for Docker; the rest goes to the engine only, never to a log.
  const { expiresAt: _expiresAt, ...authconfig } = await deps.registry.credentials();
  const { digest } = await withRegistryRetry(
    () =>
      pushImage({ docker: deps.docker, tag: plan.tag, authconfig, onLog: (line) => log.write(line), signal }),
    {
      ...deps.registryRetry,
      signal,
      onRetry: (error, attempt, retriesLeft) =>
        log.write(`${error.message} (attempt ${attempt}, ${retriesLeft} retries left)`),
    },
  );
  return { plan, digest, cacheHits: built.cacheHits, steps: built.steps };
}
