import type { Release } from '@slipway/core';
import { ConflictError, type Repository, releaseKey } from '@slipway/state';
import type { BuildRun } from './build-run.js';

/** The run's Release, when an earlier attempt (or a duplicate job) already recorded it. Both builders use it. */
export async function findRelease(
  releases: Repository<Release>,
  run: Pick<BuildRun, 'job' | 'releaseId'>,
): Promise<Release | undefined> {
  const key = releaseKey({
    tenant: run.job.tenant,
    environment: run.job.environment,
    service: run.job.service,
    id: run.releaseId,
  });
  return (await releases.get(key))?.value;
}

/** Creates the Release; if another attempt got there first, the stored one wins (it is immutable). */
export async function recordRelease(releases: Repository<Release>, release: Release): Promise<Release> {
  try {
    return (await releases.create(release)).value;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return (await releases.require(releases.keyOf(release))).value;
  }
}
