import type { Release } from '@slipway/core';
import type { BuildJob } from '@slipway/queue';
import { type Repository, releasesPrefix } from '@slipway/state';
import type Docker from 'dockerode';
import { BuildCancelledError } from '../errors.js';
import { hasImage, pullImage } from '../pull-image.js';
import type { RegistryAuth } from '../push-image.js';
import { type PreviousImage, previousImageOf } from './previous-image-of.js';
import type { WorkerLogger } from './worker-logger.js';

export interface PullPreviousImageOptions {
  docker: Docker;
  releases: Pick<Repository<Release>, 'scan'>;
  job: BuildJob;
  /** The repository the build pushes to; only images there are pulled (see previousImageOf). */
  repository: string;
  /** The registry's credentials, asked only when a pull is needed. Never logged. */
  credentials: () => Promise<RegistryAuth>;
  /** The build log. */
  log: (line: string) => void;
  logger: WorkerLogger;
  /** Ids for the worker's own log entries. */
  fields: Record<string, unknown>;
  signal: AbortSignal;
}

/**
 * Makes the service's previous image available to the engine as a layer cache source, so a
 * builder host that never built the service (or lost its images) still reuses its layers: finds
 * the newest earlier Release, and pulls its image by digest unless the engine already has it.
 *
 * The cache is an optimisation, so nothing here fails the build: no earlier Release, a corrupt
 * listing, a gone or unpullable image end in one "No cache: …" line in the build log (and a
 * warning in the worker's log for real faults) and `undefined`. Only a cancellation is thrown.
 *
 * @example
 * const previous = await pullPreviousImage({ docker, releases, job, repository, credentials, log, logger, fields, signal });
 * planBuild({ ..., ...(previous ? { previousImage: previous.reference } : {}) });
 */
export async function pullPreviousImage(
  options: PullPreviousImageOptions,
): Promise<PreviousImage | undefined> {
  const { job, log } = options;
  const noCache = (reason: string) => {
    log(`No cache: ${reason}; building with this engine's local layer cache only.`);
    return undefined;
  };
  let previous: PreviousImage | undefined;
  try {
    previous = await findPreviousImage(options);
  } catch (error) {
    return noCache(warn(options, error, 'the earlier Releases could not be read'));
  }
  if (previous === undefined)
    return noCache(`${job.service} has no earlier Release in ${job.environment} to take layers from`);
  const from = `${previous.reference} (Release ${previous.releaseId}, commit ${previous.commit.slice(0, 7)})`;
  try {
    if (await hasImage(options.docker, previous.reference)) {
      log(`Cache from the previous image ${from}, already on this engine.`);
      return previous;
    }
    await pullImage({
      docker: options.docker,
      reference: previous.reference,
      authconfig: await options.credentials(),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof BuildCancelledError) throw error;
    return noCache(warn(options, error, `the previous image ${from} could not be pulled`));
  }
  log(`Cache from the previous image ${from}, pulled from the registry.`);
  return previous;
}

async function findPreviousImage(options: PullPreviousImageOptions): Promise<PreviousImage | undefined> {
  const { job } = options;
  const { documents, corrupt } = await options.releases.scan(
    releasesPrefix(job.tenant, job.environment, job.service),
  );
  if (corrupt.length > 0)
    options.logger.warn(
      { ...options.fields, corrupt: corrupt.map((error) => error.key) },
      'corrupt releases skipped when looking for the previous image',
    );
  return previousImageOf(
    documents.map((document) => document.value),
    {
      tenant: job.tenant,
      service: job.service,
      environment: job.environment,
      commit: job.commit,
      repository: options.repository,
    },
  );
}

/** Reports a fault to the worker's log and returns the reason for the build log. */
function warn(options: PullPreviousImageOptions, error: unknown, what: string): string {
  const detail = error instanceof Error ? error.message : String(error);
  options.logger.warn({ ...options.fields, err: error }, `no layer cache: ${what}`);
  return `${what} (${detail})`;
}
