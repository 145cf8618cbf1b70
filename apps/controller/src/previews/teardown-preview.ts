import type { Service } from '@slipway/core';
import { isPreviewClosed, type PreviewTeardownJob } from '@slipway/queue';
import { type Repositories, serviceKey, servicesPrefix } from '@slipway/state';
import type { Redis } from 'ioredis';

export interface TeardownDeps {
  repos: Pick<Repositories, 'services'>;
  redis: Redis;
  /** Redis key prefix (`SLIPWAY_REDIS_PREFIX`). */
  prefix: string;
}

/** What a teardown did: the services it removed, or nothing because the pull request is open again. */
export type TeardownOutcome = { removed: string[] } | { reopened: true };

/**
 * Removes the services a closed pull request's preview made: those of `pr-<n>` built from the pull
 * request's repository (another repository's pull request with the same number keeps its own).
 * Each is deleted only as it was read (If-Match): a deploy changing it meanwhile makes the job
 * retry, and its next pass deletes the newer one. Releases and builds stay as history. Idempotent.
 * Nothing happens when the pull request was reopened since: the mark was cleared.
 */
export async function teardownPreview(deps: TeardownDeps, job: PreviewTeardownJob): Promise<TeardownOutcome> {
  const line = {
    tenant: job.tenant,
    repositoryId: job.repository.id,
    number: job.number,
    prefix: deps.prefix,
  };
  if (!(await isPreviewClosed(deps.redis, line))) return { reopened: true };
  const { documents } = await deps.repos.services.scan(servicesPrefix(job.tenant, job.environment));
  const removed: string[] = [];
  for (const { value, etag } of documents) {
    if (!madeBy(value, job.repository.fullName)) continue;
    const key = serviceKey({ tenant: job.tenant, environment: job.environment, name: value.name });
    await deps.repos.services.delete(key, { ifMatch: etag });
    removed.push(value.name);
  }
  return { removed };
}

function madeBy(service: Service, repository: string): boolean {
  return service.source.kind === 'build' && service.source.repo.toLowerCase() === repository.toLowerCase();
}
