import { Octokit } from '@octokit/rest';

type OctokitOptions = NonNullable<ConstructorParameters<typeof Octokit>[0]>;

const silent = (): void => {};

/**
 * An Octokit for this package's own tests: expected 4xx answers would otherwise be
 * logged by plugin-request-log as console errors and bury real failures.
 */
export function quietOctokit(options: OctokitOptions): Octokit {
  return new Octokit({ ...options, log: { debug: silent, info: silent, warn: silent, error: silent } });
}
