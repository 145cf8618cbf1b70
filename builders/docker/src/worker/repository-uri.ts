import { BuilderError } from '../errors.js';

/**
 * `<host>[/<prefix…>]/<tenant>/<service>` → registry host and repository prefix, so planBuild names
 * exactly the repository the registry made (e.g. ECR's `slipway/acme/web`).
 */
export function splitRepositoryUri(
  uri: string,
  ref: { tenant: string; service: string },
): { registry: string; repositoryPrefix?: string } {
  const suffix = `/${ref.tenant}/${ref.service}`;
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
