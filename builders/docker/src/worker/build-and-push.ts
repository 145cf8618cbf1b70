import { buildContextFromTarball } from '../build-context-from-tarball.js';
import { type BuildPlan, planBuild } from '../plan-build.js';
import { pushImage, type RegistryAuth } from '../push-image.js';
import { runDockerBuild } from '../run-docker-build.js';
import { withRegistryRetry } from '../with-registry-retry.js';
import type { BuildJobDeps } from './build-job-deps.js';
import type { BuildRun } from './build-run.js';
import type { PreviousImage } from './previous-image-of.js';
import { pullPreviousImage } from './pull-previous-image.js';
import { splitRepositoryUri } from './repository-uri.js';
import { silentLogger } from './worker-logger.js';

export interface BuiltImage {
  plan: BuildPlan;
  digest: string;
  cacheHits: number;
  steps: number;
  /** The previous image the layer cache came from; undefined when the engine's local cache was all. */
  cacheFrom?: PreviousImage;
}

export interface BuildAndPushOptions {
  /** Stops the download, the build and the push (supersede, or the worker's own signal). */
  signal: AbortSignal;
  /** Asked just before the push; throws to stop there (a newer push superseded the build). */
  beforePush: () => Promise<void>;
}

/**
 * The Docker half of a build: ensure the repository → the service's previous image as the layer
 * cache (pulled when missing) → plan → download the source → build (every line to the run's log)
 * → push with retries while the registry is unreachable → the digest.
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
  const planWith = (previousImage?: string) =>
    planBuild({
      buildId: run.buildId,
      tenant: job.tenant,
      service: job.service,
      sha: job.commit,
      registry,
      ...(repositoryPrefix ? { repositoryPrefix } : {}),
      dockerfile: job.build.dockerfile,
      context: job.build.context,
      args: job.build.args,
      ...(previousImage ? { previousImage } : {}),
      extraLabels: deps.extraLabels ?? {},
    });
  // Planned before any pull, so bad build settings fail at once; again below with the cache source.
  const unseeded = planWith();
  log.write(`Building ${job.service} at ${job.commit} as ${unseeded.tag}`);
  const previous = await pullPreviousImage({
    docker: deps.docker,
    releases: deps.repos.releases,
    job,
    repository: unseeded.repository,
    credentials: () => registryAuth(deps),
    log: (line) => log.write(line),
    logger: deps.logger ?? silentLogger,
    fields: run.fields,
    signal,
  });
  const plan = previous ? planWith(previous.reference) : unseeded;
  const source = await deps.sourceFor(job, signal);
  const built = await runDockerBuild({
    docker: deps.docker,
    plan,
    context: buildContextFromTarball(source, {
      contextPath: plan.contextPath,
      labels: { dockerfile: plan.dockerfile, values: plan.labels },
    }),
    labelsInContext: true,
    onLog: (line) => log.write(line),
    signal,
  });
  await options.beforePush();
  const authconfig = await registryAuth(deps);
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
  return {
    plan,
    digest,
    cacheHits: built.cacheHits,
    steps: built.steps,
    ...(previous ? { cacheFrom: previous } : {}),
  };
}

/** The registry's credentials as the engine takes them; they go to the engine only, never to a log. */
async function registryAuth(deps: BuildJobDeps): Promise<RegistryAuth> {
  // expiresAt is for the registry's own cache of them, not for Docker.
  const { expiresAt: _expiresAt, ...authconfig } = await deps.registry.credentials();
  return authconfig;
}
