import type { Build, BuildStatus, Release } from '@slipway/core';
import {
  buildKey,
  buildsPrefix,
  type KeyedDocument,
  listAll,
  type Repositories,
  releasesPrefix,
  type StateStore,
} from '@slipway/state';
import type { Logger } from 'pino';

/** What the history reads: the store (key listings) and its typed repositories. */
export interface HistorySources {
  store: StateStore;
  repos: Pick<Repositories, 'builds' | 'releases'>;
  logger: Logger;
}

export interface BuildFilters {
  service?: string;
  environment?: string;
  status?: BuildStatus;
}

export interface ReleaseFilters {
  service?: string;
  environment?: string;
}

/** Valid documents of a scan; corrupt ones are left out of the answer but never silently. */
function valid<T>(
  sources: HistorySources,
  what: string,
  result: { documents: KeyedDocument<T>[]; corrupt: { key: string; reason: string }[] },
): T[] {
  if (result.corrupt.length > 0) {
    sources.logger.warn(
      { keys: result.corrupt.map((c) => c.key), reasons: result.corrupt.map((c) => c.reason) },
      `skipped corrupt ${what} documents; fix or delete them in the state store`,
    );
  }
  return result.documents.map((d) => d.value);
}

/** The tenant's builds that match `filters`, in no particular order. */
export async function listBuilds(
  sources: HistorySources,
  tenant: string,
  filters: BuildFilters,
): Promise<Build[]> {
  const builds = valid(sources, 'build', await sources.repos.builds.scan(buildsPrefix(tenant)));
  return builds.filter(
    (b) =>
      (filters.service === undefined || b.service === filters.service) &&
      (filters.environment === undefined || b.environment === filters.environment) &&
      (filters.status === undefined || b.status === filters.status),
  );
}

/** One of the tenant's builds, or undefined (another tenant's id is simply not under this tenant's key). */
export async function findBuild(sources: HistorySources, tenant: string, id: string) {
  return (await sources.repos.builds.get(buildKey({ tenant, id })))?.value;
}

/**
 * The tenant's releases that match `filters`. An environment narrows the listing to its folder
 * (and a service within it to the service's folder), so filtered reads stay cheap.
 */
export async function listReleases(
  sources: HistorySources,
  tenant: string,
  filters: ReleaseFilters,
): Promise<Release[]> {
  const prefix =
    filters.environment === undefined
      ? releasesPrefix(tenant)
      : releasesPrefix(tenant, filters.environment, filters.service);
  const releases = valid(sources, 'release', await sources.repos.releases.scan(prefix));
  return releases.filter((r) => filters.service === undefined || r.service === filters.service);
}

/**
 * One of the tenant's releases by id. Releases live under their environment and service, which
 * the id alone does not name, so the tenant's release keys are listed (no documents read) to find it.
 */
export async function findRelease(
  sources: HistorySources,
  tenant: string,
  id: string,
): Promise<Release | undefined> {
  const name = `/${id}.json`;
  for await (const { key } of listAll(sources.store, releasesPrefix(tenant))) {
    if (key.endsWith(name)) return (await sources.repos.releases.get(key))?.value;
  }
  return undefined;
}
