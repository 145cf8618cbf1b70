import type { Readable } from 'node:stream';
import type { ImageRegistry } from '@slipway/cloud';
import type { Release } from '@slipway/core';
import { type BuildJob, buildJobSchema } from '@slipway/queue';
import { ConflictError, type Repository, releaseKey } from '@slipway/state';
import type Docker from 'dockerode';
import type { Redis } from 'ioredis';
import { buildContextFromTarball } from '../build-context-from-tarball.js';
import { BuildCancelledError, BuilderError, InvalidBuildInputError } from '../errors.js';
import { planBuild } from '../plan-build.js';
import { pushImage } from '../push-image.js';
import { runDockerBuild } from '../run-docker-build.js';
import { type RegistryRetryOptions, withRegistryRetry } from '../with-registry-retry.js';
import { buildIdFor, releaseIdFor } from './build-ids.js';
import { BuildLogWriter } from './build-log-writer.js';
import { silentLogger, type WorkerLogger } from './worker-logger.js';

/** Where the source of a job comes from: GitHub's tarball in production, `git archive` in tests. */
export type SourceFor = (job: BuildJob, signal?: AbortSignal) => Promise<Buffer | Readable>;

export interface BuildJobDeps {
  docker: Docker;
  registry: ImageRegistry;
  releases: Repository<Release>;
  /** The commit's gzip tarball with one top-level folder (GitHub's shape). */
  sourceFor: SourceFor;
  /** For the live build log; the caller owns the connection. */
  redis: Redis;
  /** Redis key prefix of the log streams, as given to createQueues. Default `slipway`. */
  prefix?: string;
  now?: () => Date;
  logger?: WorkerLogger;
  /** Extra labels on the image (tests label with their run prefix). */
  extraLabels?: Record<string, string>;
  /** Push retry tuning; the default waits ≈ 15 s in all before saying the registry is down. */
  registryRetry?: Omit<RegistryRetryOptions, 'signal' | 'onRetry'>;
  signal?: AbortSignal;
}

export interface BuildJobResult {
  release: Release;
  /** Steps taken from the layer cache; 0 when the Release already existed and nothing was built. */
  cacheHits: number;
  durationMs: number;
  /** False when a previous attempt had already recorded the Release (a retry or a duplicate). */
  built: boolean;
}

/**
 * Runs one build job: ensure the repository → plan → build (every line to the build's log
 * stream) → push → record the immutable Release with a conditional create. Idempotent: the
 * Release id is derived from tenant/service/sha, so a retry finds the Release instead of adding one.
 * Throws the builder's typed errors after writing the message and the `failed` / `cancelled` end
 * entry to the log stream.
 *
 * @example
 * const { release } = await runBuildJob(job, { docker, registry, releases, sourceFor, redis });
 */
export async function runBuildJob(input: BuildJob, deps: BuildJobDeps): Promise<BuildJobResult> {
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger ?? silentLogger;
  const started = now().getTime();
  const job = parseJob(input);
  const identity = { tenant: job.tenant, service: job.service, sha: job.commit };
  const buildId = buildIdFor(identity);
  const releaseId = releaseIdFor(identity);
  const key = releaseKey({
    tenant: job.tenant,
    environment: job.environment,
    service: job.service,
    id: releaseId,
  });
  const fields = { tenant: job.tenant, service: job.service, commit: job.commit, buildId };

  const existing = await deps.releases.get(key);
  if (existing) {
    logger.info({ ...fields, releaseId }, 'release already recorded; nothing to build');
    return { release: existing.value, cacheHits: 0, durationMs: now().getTime() - started, built: false };
  }

  const log = new BuildLogWriter(deps.redis, { tenant: job.tenant, buildId, ...prefixOf(deps) });
  try {
    const repository = await deps.registry.ensureRepository({ tenant: job.tenant, service: job.service });
    const { registry, repositoryPrefix } = splitRepositoryUri(repository.repositoryUri, job);
    const plan = planBuild({
      buildId,
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
    logger.info({ ...fields, tag: plan.tag }, 'build started');
    const source = await deps.sourceFor(job, deps.signal);
    const built = await runDockerBuild({
      docker: deps.docker,
      plan,
      context: buildContextFromTarball(source, { contextPath: plan.contextPath }),
      onLog: (line) => log.write(line),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    // expiresAt is for the cache, not for Docker; the rest goes to the engine only, never to a log.
    const { expiresAt: _expiresAt, ...authconfig } = await deps.registry.credentials();
    const { digest } = await withRegistryRetry(
      () =>
        pushImage({
          docker: deps.docker,
          tag: plan.tag,
          authconfig,
          onLog: (line) => log.write(line),
          ...(deps.signal ? { signal: deps.signal } : {}),
        }),
      {
        ...deps.registryRetry,
        ...(deps.signal ? { signal: deps.signal } : {}),
        onRetry: (error, attempt, retriesLeft) =>
          log.write(`${error.message} (attempt ${attempt}, ${retriesLeft} retries left)`),
      },
    );
    const release = await recordRelease(deps.releases, {
      id: releaseId,
      tenant: job.tenant,
      service: job.service,
      environment: job.environment,
      image: plan.tag,
      digest,
      config: job.config,
      commit: job.commit,
      buildId,
      createdAt: now().toISOString(),
    });
    log.write(`Release ${release.id} recorded: ${plan.repository}@${release.digest}`);
    await log.end('succeeded');
    const durationMs = now().getTime() - started;
    logger.info({ ...fields, releaseId, digest, cacheHits: built.cacheHits, durationMs }, 'build succeeded');
    return { release, cacheHits: built.cacheHits, durationMs, built: true };
  } catch (error) {
    await endFailed(log, error, logger, fields);
    throw error;
  }
}

function parseJob(input: BuildJob): BuildJob {
  const parsed = buildJobSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidBuildInputError(
    parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    { cause: parsed.error },
  );
}

function prefixOf(deps: BuildJobDeps): { prefix?: string } {
  return deps.prefix === undefined ? {} : { prefix: deps.prefix };
}

/**
 * `<host>[/<prefix…>]/<tenant>/<service>` → registry host and repository prefix, so planBuild names
 * exactly the repository the registry made (e.g. ECR's `slipway/acme/web`).
 */
function splitRepositoryUri(uri: string, job: BuildJob): { registry: string; repositoryPrefix?: string } {
  const suffix = `/${job.tenant}/${job.service}`;
  const slash = uri.indexOf('/');
  if (slash < 0 || !uri.endsWith(suffix)) {
    throw new BuilderError(
      'BUILD_INVALID_INPUT',
      `The registry named the repository "${uri}", which does not end in "${suffix}"; check the registry's repository naming.`,
    );
  }
  const registry = uri.slice(0, slash);
  const middle = uri.slice(slash + 1, uri.length - suffix.length);
  return middle === '' ? { registry } : { registry, repositoryPrefix: middle };
}

/** Creates the Release; if another attempt got there first, the stored one wins (it is immutable). */
async function recordRelease(releases: Repository<Release>, release: Release): Promise<Release> {
  try {
    return (await releases.create(release)).value;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const stored = await releases.require(releases.keyOf(release));
    return stored.value;
  }
}

async function endFailed(
  log: BuildLogWriter,
  error: unknown,
  logger: WorkerLogger,
  fields: Record<string, unknown>,
): Promise<void> {
  const cancelled = error instanceof BuildCancelledError;
  const message = error instanceof Error ? error.message : String(error);
  log.write(message);
  logger.error({ ...fields, err: error }, cancelled ? 'build cancelled' : 'build failed');
  try {
    await log.end(cancelled ? 'cancelled' : 'failed');
  } catch (logError) {
    // The build's own error is what the caller must see; the lost log is reported here.
    logger.error({ ...fields, err: logError }, 'could not finish the build log');
  }
}
